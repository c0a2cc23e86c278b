/** The customer's timeline in words: each activity as a sentence in the reader's language, with names and reasons. */
export { describeActivity, actorName, type ActivityIn, type Sentence, type SentenceContext, type Language, type ActionFacts, type DisputeFacts } from './sentences.ts';
export { describeTimeline } from './context.ts';
