export { type IsoDate, isIsoDate, toDayNumber, fromDayNumber, addDays, daysBetween, weekdayOf, todayIn } from './dates.ts';
export { nextBusinessDay } from './business-days.ts';
