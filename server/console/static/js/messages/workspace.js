/**
 * The collector's workspace messages (worklist, holds, notes, calls, tasks, unapplied money), kept
 * apart from the shared catalogs; `tw` reads them in the console's current language. Every key in
 * `en` must exist in `fr` (a test checks).
 */
import { language, translate } from '../i18n.js';

export const WORKSPACE = {
  en: {
    'wl.title': 'Worklist',
    'wl.search': 'Search by name, number or email',
    'wl.mine': 'My customers',
    'wl.overdueOnly': 'Overdue only',
    'wl.flag.disputed': 'Disputed', 'wl.flag.promised': 'Promised', 'wl.flag.paused': 'Paused', 'wl.flag.onHold': 'On hold',
    'wl.risk': 'Risk class',
    'wl.count': '{count} customer(s)',
    'wl.col.name': 'Customer', 'wl.col.open': 'Open', 'wl.col.overdue': 'Overdue', 'wl.col.oldestDays': 'Days late', 'wl.col.stage': 'Stage',
    'wl.col.nextDate': 'Next action', 'wl.col.lastContact': 'Last contact', 'wl.col.risk': 'Risk', 'wl.col.collector': 'Collector', 'wl.col.flags': 'Flags',
    'wl.stage': 'reminder {step}', 'wl.noStage': 'none sent',
    'wl.next': '{channel} {step} on {date}', 'wl.forecast': 'expected: {channel} {step} on {date}', 'wl.forecast.approval': 'for approval', 'wl.held.paused': 'held: paused', 'wl.held.promise': 'held: promise', 'wl.held.disputed': 'held: disputed',
    'wl.saveView': 'Save this view', 'wl.viewSaved': 'View saved: it opens like this next time.',
    'wl.select': 'Select', 'wl.selected': '{count} selected',
    'wl.bulkPause': 'Pause selected', 'wl.paused': '{count} customer(s) paused.',
    'wl.myTasks': 'My tasks', 'wl.noTasks': 'No open task.', 'wl.done': 'Done',
    'hold.reason': 'Reason', 'hold.until': 'Until (optional)', 'hold.invoice': 'Invoice (optional)', 'hold.wholeCustomer': 'the whole customer',
    'hold.pause': 'Pause reminders', 'hold.title': 'Pause', 'hold.active': 'Paused: {reason}', 'hold.activeUntil': 'Paused until {date}: {reason}',
    'hold.resume': 'Resume', 'hold.saved': 'Paused.', 'hold.resumed': 'Resumed.',
    'note.title': 'Note', 'note.body': 'Note', 'note.add': 'Add the note',
    'call.title': 'Log a call', 'call.outcome': 'Outcome', 'call.note': 'What was said', 'call.log': 'Log the call',
    'call.outcome.reached': 'Reached', 'call.outcome.voicemail': 'Voicemail', 'call.outcome.promise': 'Promise to pay', 'call.outcome.dispute': 'Dispute', 'call.outcome.wrong_number': 'Wrong number',
    'call.amount': 'Amount promised', 'call.date': 'Promised date', 'call.invoices': 'Disputed invoice', 'call.reason': 'Why they dispute',
    'task.title': 'Task', 'task.what': 'What to do', 'task.due': 'Due', 'task.assignee': 'Assignee', 'task.hubspot': 'Also a HubSpot task for the company owner', 'task.create': 'Create the task',
    'task.open': 'Open tasks',
    'ws.saved': 'Saved.',
    'cust.figures': 'Worklist', 'cust.overdue': 'Overdue', 'cust.oldest': 'Oldest overdue', 'cust.days': '{days} days', 'cust.next': 'Next action', 'cust.lastContact': 'Last contact',
    'cust.risk': 'Risk class', 'cust.collectors': 'Collectors', 'cust.promise': 'Promised {amount} by {date}', 'cust.viewMessage': 'Message', 'cust.messageLoading': 'Loading the message…', 'cust.viewSent': 'Message as sent', 'cust.sentTo': 'Sent to {to} on {at}', 'cust.letterPdf': 'The letter as posted (PDF)', 'cust.notStored': 'This reminder’s message was not kept (sent before messages were stored).',
    'um.title': 'Unapplied money to allocate', 'um.intro': 'Every payment, overpayment, prepayment and credit note not yet applied, oldest first. Pick invoices and amounts, or take a suggestion.',
    'um.age': '{days} days old', 'um.customer': 'Customer', 'um.money': 'Money', 'um.amount': 'Unapplied', 'um.suggestions': 'Suggestions', 'um.none': 'No unapplied money.',
    'um.weak': 'weak', 'um.use': 'Use', 'um.allocate': 'Allocate by hand', 'um.invoice': 'Invoice', 'um.balance': 'Owes', 'um.apply': 'Apply',
    'um.remainder': 'Left unapplied: {amount}', 'um.applied': '{count} allocation(s) recorded; {remaining} left unapplied.', 'um.queued': 'Written back to the accounting system.',
    'um.notPossible': 'Apply it in the accounting system too: {reason}.', 'um.noSuggestion': 'No suggestion: allocate by hand.',
    'um.kind.payment': 'Payment', 'um.kind.credit_note': 'Credit note', 'um.kind.overpayment': 'Overpayment', 'um.kind.prepayment': 'Prepayment',
  },
  fr: {
    'wl.title': 'Liste de travail',
    'wl.search': 'Chercher par nom, numéro ou e-mail',
    'wl.mine': 'Mes clients',
    'wl.overdueOnly': 'En retard seulement',
    'wl.flag.disputed': 'Contesté', 'wl.flag.promised': 'Promesse', 'wl.flag.paused': 'Suspendu', 'wl.flag.onHold': 'En attente',
    'wl.risk': 'Classe de risque',
    'wl.count': '{count} client(s)',
    'wl.col.name': 'Client', 'wl.col.open': 'Ouvert', 'wl.col.overdue': 'En retard', 'wl.col.oldestDays': 'Jours de retard', 'wl.col.stage': 'Étape',
    'wl.col.nextDate': 'Prochaine action', 'wl.col.lastContact': 'Dernier contact', 'wl.col.risk': 'Risque', 'wl.col.collector': 'Recouvreur', 'wl.col.flags': 'Signaux',
    'wl.stage': 'relance {step}', 'wl.noStage': 'aucune envoyée',
    'wl.next': '{channel} {step} le {date}', 'wl.forecast': 'prévu : {channel} {step} le {date}', 'wl.forecast.approval': 'à approuver', 'wl.held.paused': 'retenue : suspendu', 'wl.held.promise': 'retenue : promesse', 'wl.held.disputed': 'retenue : contesté',
    'wl.saveView': 'Enregistrer cette vue', 'wl.viewSaved': 'Vue enregistrée : elle s’ouvrira ainsi la prochaine fois.',
    'wl.select': 'Choisir', 'wl.selected': '{count} choisi(s)',
    'wl.bulkPause': 'Suspendre la sélection', 'wl.paused': '{count} client(s) suspendu(s).',
    'wl.myTasks': 'Mes tâches', 'wl.noTasks': 'Aucune tâche ouverte.', 'wl.done': 'Fait',
    'hold.reason': 'Motif', 'hold.until': 'Jusqu’au (facultatif)', 'hold.invoice': 'Facture (facultatif)', 'hold.wholeCustomer': 'tout le client',
    'hold.pause': 'Suspendre les relances', 'hold.title': 'Suspendre', 'hold.active': 'Suspendu : {reason}', 'hold.activeUntil': 'Suspendu jusqu’au {date} : {reason}',
    'hold.resume': 'Reprendre', 'hold.saved': 'Suspendu.', 'hold.resumed': 'Repris.',
    'note.title': 'Note', 'note.body': 'Note', 'note.add': 'Ajouter la note',
    'call.title': 'Noter un appel', 'call.outcome': 'Résultat', 'call.note': 'Ce qui a été dit', 'call.log': 'Noter l’appel',
    'call.outcome.reached': 'Joint', 'call.outcome.voicemail': 'Messagerie', 'call.outcome.promise': 'Promesse de paiement', 'call.outcome.dispute': 'Contestation', 'call.outcome.wrong_number': 'Mauvais numéro',
    'call.amount': 'Montant promis', 'call.date': 'Date promise', 'call.invoices': 'Facture contestée', 'call.reason': 'Motif de la contestation',
    'task.title': 'Tâche', 'task.what': 'À faire', 'task.due': 'Échéance', 'task.assignee': 'Confiée à', 'task.hubspot': 'Aussi une tâche HubSpot pour le propriétaire de l’entreprise', 'task.create': 'Créer la tâche',
    'task.open': 'Tâches ouvertes',
    'ws.saved': 'Enregistré.',
    'cust.figures': 'Liste de travail', 'cust.overdue': 'En retard', 'cust.oldest': 'Plus ancien retard', 'cust.days': '{days} jours', 'cust.next': 'Prochaine action', 'cust.lastContact': 'Dernier contact',
    'cust.risk': 'Classe de risque', 'cust.collectors': 'Recouvreurs', 'cust.promise': 'Promesse de {amount} pour le {date}', 'cust.viewMessage': 'Message', 'cust.messageLoading': 'Chargement du message…', 'cust.viewSent': 'Message tel qu’envoyé', 'cust.sentTo': 'Envoyé à {to} le {at}', 'cust.letterPdf': 'La lettre telle que postée (PDF)', 'cust.notStored': 'Le message de cette relance n’a pas été conservé (envoyée avant leur conservation).',
    'um.title': 'Argent non imputé à répartir', 'um.intro': 'Chaque paiement, trop-perçu, acompte et avoir pas encore imputé, du plus ancien au plus récent. Choisissez factures et montants, ou prenez une suggestion.',
    'um.age': 'il y a {days} jours', 'um.customer': 'Client', 'um.money': 'Argent', 'um.amount': 'Non imputé', 'um.suggestions': 'Suggestions', 'um.none': 'Aucun argent non imputé.',
    'um.weak': 'faible', 'um.use': 'Prendre', 'um.allocate': 'Répartir à la main', 'um.invoice': 'Facture', 'um.balance': 'Reste dû', 'um.apply': 'Imputer',
    'um.remainder': 'Reste non imputé : {amount}', 'um.applied': '{count} imputation(s) enregistrée(s) ; {remaining} reste(nt) non imputé(s).', 'um.queued': 'Reporté dans la comptabilité.',
    'um.notPossible': 'Imputez-le aussi dans la comptabilité : {reason}.', 'um.noSuggestion': 'Pas de suggestion : répartissez à la main.',
    'um.kind.payment': 'Paiement', 'um.kind.credit_note': 'Avoir', 'um.kind.overpayment': 'Trop-perçu', 'um.kind.prepayment': 'Acompte',
  },
};

/** A workspace message in the console's language. */
export function tw(key, vars) {
  return translate(WORKSPACE[language()] ?? WORKSPACE.en, key, vars).replace(/^([a-z.]+)$/, (k) => WORKSPACE.en[k] ?? k);
}
