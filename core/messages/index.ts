/**
 * Message templates: loading, validation against the variable model, rendering (MJML email to HTML
 * and text, SMS text, letter PDF) in the language of the contact, else the customer, else the
 * organization.
 */
export { renderMessage, setLanguageFallbackLogger, type RenderOptions } from './render.ts';
export { withStoreContext } from './store-context.ts';
export { addressLines, missingAddressPart, type PostalAddress } from './postal-address.ts';
export { legalMention } from './legal-mentions.ts';
export { acceptedLanguages, countryLanguage } from './language.ts';
export type {
  MessageAmount,
  MessageChannel,
  MessageContact,
  MessageCustomer,
  MessageFees,
  MessageItem,
  MessageOrganization,
  MessagePerson,
  RenderedEmail,
  RenderedLetter,
  RenderedMessage,
  RenderedSms,
  RenderMessageInput,
  MessageHistoryEntry,
} from './types.ts';
export { chooseLanguage, DEFAULT_LANGUAGE, type LanguageChoice, type LanguageSources } from './language.ts';
export { formatAmount, formatDate, formattingLocale } from './locale-format.ts';
export { VARIABLES, type VariableSpec } from './variable-model.ts';
export { TemplateError } from './template-error.ts';
export type { CompiledTemplate } from './template-compile.ts';
export {
  CHANNELS,
  TEMPLATES_ROOT,
  clearTemplateCache,
  compileFile,
  languagesOf,
  listTemplates,
  loadTemplate,
  refOfFile,
  templateFile,
  type TemplateRef,
} from './template-store.ts';
export { sampleMessageInput } from './sample-data.ts';
export { compileSource, compiledOverride, overridesOf, renderWithOverrides, type Render, type TemplateOverride } from './template-overrides.ts';
