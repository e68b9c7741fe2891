export { GkRsvp, RSVP_STRINGS, type RsvpChangedDetail, type RsvpStrings } from "./rsvp.js";
