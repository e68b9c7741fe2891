export { GkRsvp, type RsvpChangedDetail } from "./rsvp.js";
