/** Port the workers publish KV events on (ZMQ), inside the pod. */
export const KV_EVENTS_PORT = 20080;

/** The `--kv-events-config` JSON of a Dynamo worker (vLLM and SGLang), with engine-specific extras. */
export function kvEventsConfig(extra: Record<string, unknown>): string {
  return JSON.stringify({ publisher: 'zmq', topic: 'kv-events', endpoint: `tcp://*:${KV_EVENTS_PORT}`, ...extra });
}
