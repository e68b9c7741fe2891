import { toString as qrToString } from "qrcode";

/**
 * A ticket's QR code as an SVG document (the `qrcode` package's SVG renderer: pure JavaScript, no
 * canvas or PNG encoder, so it runs on Workers as on Node). It carries the ticket's code, which is
 * itself the unguessable secret the door checks against the database.
 */
export function ticketQrSvg(code: string): Promise<string> {
  return qrToString(code, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}
