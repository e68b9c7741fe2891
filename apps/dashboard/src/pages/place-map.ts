/**
 * The place editor's map, loaded on demand (`import("./place-map.js")`, its own chunk with
 * Leaflet 1.9) so no other page downloads it. A pointer sets the place's location by clicking the
 * map or dragging its pin; the latitude and longitude fields beside it are the keyboard's (and a
 * screen reader's) way to the same value, and the map follows them. The organization's other
 * places are shown as small dots for orientation. Tiles only when the operator configured a tile
 * server (`MAP_TILE_URL`: the page's `<meta name="gk-map-tile-url">`, and its origin in the CSP's
 * `img-src`); else the map is a plain grid. A tile that fails to load stays hidden (no broken
 * images) and `onTilesFailed` lets the page say so.
 */
import {
  circleMarker,
  divIcon,
  type LatLngTuple,
  type Map as LeafletMap,
  latLngBounds,
  map as leafletMap,
  type Marker,
  marker,
  tileLayer,
} from "leaflet/dist/leaflet-src.esm.js";

/** Leaflet's own layout rules (from leaflet.css) that a map needs, adopted by the page's shadow root. */
const LEAFLET_CSS = `
.leaflet-pane,.leaflet-marker-icon,.leaflet-pane>svg,.leaflet-layer{position:absolute;left:0;top:0}
.leaflet-container{overflow:hidden;-webkit-tap-highlight-color:transparent;touch-action:none;cursor:crosshair}
.leaflet-marker-icon{user-select:none;-webkit-user-drag:none;cursor:grab}
.leaflet-zoom-animated{transform-origin:0 0}
.leaflet-pane{z-index:400}.leaflet-overlay-pane{z-index:400}.leaflet-marker-pane{z-index:600}
.leaflet-interactive{cursor:pointer}
.leaflet-tile-pane{z-index:200}.leaflet-tile-container{pointer-events:none}
.leaflet-tile{position:absolute;left:0;top:0;visibility:hidden;user-select:none}.leaflet-tile-loaded{visibility:inherit}
.leaflet-container img.leaflet-tile{max-width:none!important;max-height:none!important}
.gk-location-pin{width:18px!important;height:18px!important;margin:-9px 0 0 -9px!important;border-radius:50%;background:#cf222e;border:3px solid #fff;box-shadow:0 0 0 2px #cf222e}
`;

let sheet: CSSStyleSheet | undefined;

export interface LocationMapOptions {
  location: { lat: number; lng: number };
  /** Other places, drawn as dots (with their name as a tooltip). */
  others: { lat: number; lng: number; name: string }[];
  /** The organizer clicked the map or dropped the pin: the new location (rounded to 6 decimals, about 10 cm). */
  onMove: (lat: number, lng: number) => void;
  /** The tile URL template (`{z}/{x}/{y}`, `{s}`), or null for none. */
  tileUrl?: string | null;
  /** A tile could not load (called once). */
  onTilesFailed?: () => void;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export class LocationMap {
  readonly #map: LeafletMap;
  readonly #pin: Marker;

  constructor(container: HTMLElement, options: LocationMapOptions) {
    const root = container.getRootNode();
    if (root instanceof ShadowRoot || root instanceof Document) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(LEAFLET_CSS);
      }
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    const here: LatLngTuple = [options.location.lat, options.location.lng];
    // The map is for pointers (the fields are the keyboard's way): it takes no focus and no keys.
    this.#map = leafletMap(container, { keyboard: false, attributionControl: false, zoomControl: false, zoomSnap: 0.5 });
    if (options.tileUrl) {
      // errorTileUrl: a transparent pixel, so a tile that fails shows nothing rather than a broken image.
      const tiles = tileLayer(options.tileUrl, {
        errorTileUrl: "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==",
      });
      tiles.once("tileerror", () => options.onTilesFailed?.());
      tiles.addTo(this.#map);
    }
    for (const o of options.others) {
      circleMarker([o.lat, o.lng], { radius: 5, color: "#57606a", weight: 2, fillOpacity: 0.4 }).bindTooltip(o.name).addTo(this.#map);
    }
    const icon = divIcon({ className: "gk-location-pin", iconSize: [18, 18] });
    this.#pin = marker(here, { icon, draggable: true, keyboard: false, title: "The place's location" }).addTo(this.#map);
    this.#pin.on("dragend", () => {
      const p = this.#pin.getLatLng();
      options.onMove(round(p.lat), round(p.lng));
    });
    this.#map.on("click", (e) => {
      this.#pin.setLatLng(e.latlng);
      options.onMove(round(e.latlng.lat), round(e.latlng.lng));
    });
    const nearby = options.others.filter((o) => Math.abs(o.lat - here[0]) < 0.5 && Math.abs(o.lng - here[1]) < 0.5);
    if (nearby.length) {
      this.#map.fitBounds(latLngBounds([here, ...nearby.map((o): LatLngTuple => [o.lat, o.lng])]), {
        padding: [24, 24],
        maxZoom: 16,
        animate: false,
      });
    } else {
      this.#map.setView(here, 15);
    }
  }

  /** The fields changed: the pin (and the view) follow. */
  setLocation(lat: number, lng: number): void {
    const p = this.#pin.getLatLng();
    if (p.lat === lat && p.lng === lng) return;
    this.#pin.setLatLng([lat, lng]);
    this.#map.panTo([lat, lng], { animate: false });
  }

  destroy(): void {
    this.#map.remove();
  }
}
