/**
 * The map of `<gk-parking-map>`, loaded on demand (`import("./leaflet-map.js")`) so Leaflet is
 * not part of the widget's first paint. Leaflet (1.9, BSD-2) draws the tiles, if any, and one
 * marker per place; the widget's list carries the same places for keyboard and screen-reader use,
 * so the map is for pointers: its markers are not tab stops, and the map does not take focus.
 */
import {
  control,
  divIcon,
  type LatLngTuple,
  type Map as LeafletMap,
  latLngBounds,
  map as leafletMap,
  type Marker,
  marker,
  tileLayer,
} from "leaflet/dist/leaflet-src.esm.js";

export interface MapPlace {
  id: string;
  lat: number;
  lng: number;
  /** The text on the marker, e.g. "3 free" or "Full". */
  label: string;
  /** Its accessible name and tooltip, e.g. "Baixa Garage: 3 of 5 free, €8.00". */
  title: string;
  full: boolean;
  selected: boolean;
}

export interface MapOptions {
  center: LatLngTuple;
  /** Tile URL template (`https://…/{z}/{x}/{y}.png`); none: markers on a plain background. */
  tileUrl?: string | undefined;
  /** Plain text credited in the corner (a tile provider's attribution). */
  tileAttribution?: string | undefined;
  onSelect: (placeId: string) => void;
  /** A tile failed to load (offline, blocked, a wrong URL): the widget points to the list. */
  onTileError: () => void;
}

/** Leaflet's own rules that a map needs to lay out (from leaflet.css), scoped to the widget's shadow root. */
const LEAFLET_CSS = `
.leaflet-pane,.leaflet-tile,.leaflet-marker-icon,.leaflet-tile-container,.leaflet-pane>svg,.leaflet-pane>canvas,.leaflet-zoom-box,.leaflet-layer{position:absolute;left:0;top:0}
.leaflet-container{overflow:hidden;-webkit-tap-highlight-color:transparent;touch-action:none}
.leaflet-tile,.leaflet-marker-icon{user-select:none;-webkit-user-drag:none}
.leaflet-tile{visibility:hidden;filter:inherit}.leaflet-tile-loaded{visibility:inherit}
.leaflet-container img.leaflet-tile{max-width:none!important;max-height:none!important;width:256px;height:256px;mix-blend-mode:plus-lighter}
.leaflet-zoom-animated{transform-origin:0 0}
.leaflet-zoom-anim .leaflet-zoom-animated{transition:transform .25s cubic-bezier(0,0,.25,1)}
.leaflet-zoom-anim .leaflet-tile,.leaflet-pan-anim .leaflet-tile{transition:none}
.leaflet-pane{z-index:400}.leaflet-tile-pane{z-index:200}.leaflet-overlay-pane{z-index:400}.leaflet-marker-pane{z-index:600}
.leaflet-control{position:relative;z-index:800;pointer-events:auto;float:left;clear:both}
.leaflet-top,.leaflet-bottom{position:absolute;z-index:1000;pointer-events:none}
.leaflet-top{top:0}.leaflet-right{right:0}.leaflet-bottom{bottom:0}.leaflet-left{left:0}
.leaflet-right .leaflet-control{float:right}.leaflet-top .leaflet-control{margin-top:10px}.leaflet-left .leaflet-control{margin-left:10px}
.leaflet-bar{border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.65)}
.leaflet-bar a{display:block;width:30px;height:30px;line-height:30px;text-align:center;text-decoration:none;background:#fff;color:#000;border-bottom:1px solid #ccc;font:bold 18px/30px monospace}
.leaflet-bar a:last-child{border-bottom:none}.leaflet-bar a.leaflet-disabled{cursor:default;background:#f4f4f4;color:#595959}
.leaflet-control-attribution{background:rgba(255,255,255,.9);color:#333;padding:0 5px;font-size:12px}
.leaflet-grab{cursor:grab}.leaflet-dragging .leaflet-grab{cursor:move}.leaflet-marker-icon{cursor:pointer}
`;

let sheet: CSSStyleSheet | undefined;

/** The map of a set of places in `container` (which must have a size). */
export class PlacesMap {
  readonly #map: LeafletMap;
  #markers: Marker[] = [];
  #tileErrorSent = false;

  constructor(
    container: HTMLElement,
    private readonly options: MapOptions,
  ) {
    const root = container.getRootNode();
    if (root instanceof ShadowRoot || root instanceof Document) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(LEAFLET_CSS);
      }
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    this.#map = leafletMap(container, { keyboard: false, attributionControl: false, zoomSnap: 0.5 }).setView(options.center, 14);
    if (options.tileUrl) {
      tileLayer(options.tileUrl, { maxZoom: 19 })
        .on("tileerror", () => {
          if (this.#tileErrorSent) return;
          this.#tileErrorSent = true;
          options.onTileError();
        })
        .addTo(this.#map);
    }
    if (options.tileAttribution) {
      // Text, not HTML: an attribute's value never becomes markup.
      const text = document.createElement("span");
      text.textContent = options.tileAttribution;
      control.attribution({ prefix: false }).addAttribution(text.outerHTML).addTo(this.#map);
    }
  }

  /** Shows `places` (replacing the markers) and frames them with the center. */
  show(places: readonly MapPlace[], center: LatLngTuple, frame: boolean): void {
    for (const m of this.#markers) m.remove();
    this.#markers = places.map((p) => {
      const icon = divIcon({
        className: `gk-pin${p.full ? " gk-pin-full" : ""}${p.selected ? " gk-pin-selected" : ""}`,
        // A point at the place; the label hangs above it (styled by the widget's stylesheet).
        html: '<span class="gk-pin-label"></span>',
        iconSize: [0, 0],
      });
      const m = marker([p.lat, p.lng], { icon, keyboard: false, title: p.title, riseOnHover: true }).addTo(this.#map);
      const el = m.getElement();
      if (el) {
        el.firstElementChild!.textContent = p.label;
        el.dataset.placeId = p.id;
      }
      m.on("click", () => this.options.onSelect(p.id));
      return m;
    });
    this.#map.invalidateSize();
    if (!frame) return;
    if (places.length === 0) {
      this.#map.setView(center, 14);
      return;
    }
    const bounds = latLngBounds([center, ...places.map((p): LatLngTuple => [p.lat, p.lng])]);
    this.#map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16, animate: false });
  }

  destroy(): void {
    this.#map.remove();
  }
}
