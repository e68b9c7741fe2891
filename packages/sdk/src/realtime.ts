// `@gatherkit/sdk/realtime`: live updates from rooms. The client lives in realtime-client.ts
// (what `gk.realtime` uses, without the message parser, which loads with the connection).
export {
  type GetRoomToken,
  REVOKED_CLOSE_CODE,
  Realtime,
  RealtimeError,
  type RealtimeOptions,
  type RealtimeStatus,
  type SubscribeHandlers,
  type Subscription,
} from "./realtime-client.js";
export { parseServerMessage } from "./realtime-messages.js";
