export { type BookingCompleteDetail, GkParkingMap } from "./parking-map.js";
