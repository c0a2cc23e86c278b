/** The weekly report: schedules, when one is due, its email, and the claimed, idempotent sending. */
export { REPORT_LANGUAGES, type ReportLanguage } from './labels.ts';
export { composeWeeklyReport, WEEKLY_FORECAST_WEEKS, type WeeklyReportEmail } from './content.ts';
export { dueWeek, mondayOf, type WeeklySlot } from './due.ts';
export { getReportSchedule, saveReportSchedule, deleteReportSchedule, type ReportSchedule, type ReportScheduleInput } from './schedules.ts';
export {
  deliverWeeklyReport, sendDueWeeklyReports, WEEKLY_REPORT_LEASE_MS, type Delivery, type WeeklyPassResult, type WeeklyReportDeps,
} from './send.ts';
