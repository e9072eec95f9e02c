/** The one place that reads the wall clock; everything else receives `now`. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
