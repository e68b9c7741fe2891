export { type BookingCompleteDetail, GkSlotPicker } from "./slot-picker.js";
