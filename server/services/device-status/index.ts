export { recordDeviceStatusDecision } from "./record-device-status";
