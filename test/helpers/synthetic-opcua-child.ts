/**
 * Runs the synthetic OPC UA server in its own process for the benchmarks:
 *
 *   node --import tsx test/helpers/synthetic-opcua-child.ts '{"tags":10000,"rateHz":1}'
 *
 * Prints one JSON line `{"endpointUrl":…}` on stdout when listening, then
 * `{"published":N,"rssBytes":N}` every second; stdin command `rate <hz>` changes the rate;
 * stops on SIGTERM or when stdin closes.
 */
import { createInterface } from "node:readline";
import { startSyntheticOpcuaServer, type SyntheticOpcuaServerOptions } from "./synthetic-opcua-server";

const options = JSON.parse(process.argv[2] ?? "{}") as SyntheticOpcuaServerOptions;
const server = await startSyntheticOpcuaServer(options);
process.stdout.write(`${JSON.stringify({ endpointUrl: server.endpointUrl, tags: options.tags })}\n`);
const timer = setInterval(() => {
  process.stdout.write(`${JSON.stringify({ published: server.published(), rssBytes: process.memoryUsage().rss })}\n`);
}, 1000);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await server.stop().catch(() => undefined);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.stdin.on("end", () => void stop());
createInterface({ input: process.stdin }).on("line", (line) => {
  const match = /^rate (\d+(?:\.\d+)?)$/.exec(line.trim());
  if (match) server.setRate(Number(match[1]));
});
