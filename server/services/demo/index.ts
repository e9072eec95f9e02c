export { DEMO_HISTORY_SETTING, demoHistoryDaysSincePreviousMonth, demoHistoryWindow, generateDemoHistory, isDemoHistoryPending, seedDemoWithHistory } from "./history";
export type { DemoHistoryOptions, DemoHistoryResult } from "./history";
