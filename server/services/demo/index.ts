export { DEMO_HISTORY_SETTING, demoHistoryWindow, generateDemoHistory, isDemoHistoryPending, seedDemoWithHistory } from "./history";
export type { DemoHistoryOptions, DemoHistoryResult } from "./history";
