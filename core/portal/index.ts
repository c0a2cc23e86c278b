/** The customer portal: signed, expiring, revocable links; the page a link opens; what it lets the customer do. */
export { signPortalToken, verifyPortalToken, portalFormToken, checkPortalFormToken, tokenKeyId, type TokenClaims, type TokenProblem } from './token.ts';
export { issuePortalLink, liveLinkOf, listPortalLinks, revokePortalLinks, openPortalLink, DEFAULT_LINK_DAYS, type IssuedLink, type OpenedLink } from './links.ts';
export { loadPortalPage, portalLanguage, PORTAL_LANGUAGES, type PortalPage, type PortalInvoice, type PortalLanguage } from './page.ts';
export { requestPaymentPlan, portalActor, type PortalActions, type PromiseFromPortal, type DisputeFromPortal } from './actions.ts';
export { invoiceLinks, keptPaymentUrl, type InvoiceLinks } from './invoice-links.ts';
export { refreshPaymentLinks, PAYMENT_LINK_DEFAULTS, type PaymentLinkSource, type PaymentLinkRefresh } from './payment-links.ts';
export { recordPortalPromise, DEFAULT_PROMISE_HORIZON_DAYS, type PortalPromise } from './promise.ts';
