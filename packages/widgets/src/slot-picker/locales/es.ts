import type { OwnSlotPickerStrings } from "../slot-picker.strings.js";

export default {
  loadingPlace: "Cargando el lugar…",
  notBySlot: (place) => `${place} no se reserva por franjas horarias.`,
  perSlot: (price, length) => `${price} por franja de ${length}`,
  selected: (day, time) => `Seleccionado: ${day}, ${time}. Resérvalo abajo.`,
  previousWeek: "Semana anterior",
  nextWeek: "Semana siguiente",
  retry: "Reintentar",
  loadingSlots: "Cargando las franjas…",
  closedWeek: "Cerrado toda la semana.",
  noneFree: "No hay franjas libres esta semana.",
  startTime: "Inicio",
  gridHelp: "Las flechas se mueven entre días y horas; Intro elige una franja libre.",
  closed: "Cerrado",
  freeOne: "Libre",
  past: "Pasada",
} satisfies OwnSlotPickerStrings;
