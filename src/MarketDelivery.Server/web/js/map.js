// Leaflet maps drawn from GeoJSON only: no tiles by default (nothing fetched from the internet). A tile URL template
// is configuration (Web:TileUrl, served at /app-config.json); when set, a tile layer is added under the drawings.
let configPromise;

export function webConfig() {
  configPromise ??= fetch('/app-config.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return configPromise;
}

export class MarketMap {
  constructor(element, { label } = {}) {
    this.map = L.map(element, { zoomControl: true, attributionControl: false, keyboard: true });
    if (label) element.setAttribute('aria-label', label);
    element.setAttribute('role', 'region');
    this.layers = {};
    this.map.setView([37.55, 127.13], 13);
    webConfig().then((config) => {
      if (config.tileUrl) {
        L.tileLayer(config.tileUrl, { attribution: config.tileAttribution ?? '' }).addTo(this.map);
        this.map.attributionControl?.addTo?.(this.map);
      }
    });
  }

  /** Replaces the named layer with this GeoJSON (a Feature, a FeatureCollection or a geometry). */
  setGeoJson(name, geojson, options = {}) {
    this.layers[name]?.remove();
    if (!geojson) {
      delete this.layers[name];
      return null;
    }
    const layer = L.geoJSON(geojson, {
      style: () => options.style ?? {},
      pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 7, weight: 2, fillOpacity: 0.9, ...(options.point ?? {}) }),
      onEachFeature: (feature, l) => options.tooltip && l.bindTooltip(options.tooltip(feature)),
    }).addTo(this.map);
    this.layers[name] = layer;
    return layer;
  }

  /** A labelled point (the market, a destination, a courier). */
  setPoint(name, lat, lon, { color = '#1d4ed8', label = '' } = {}) {
    return this.setGeoJson(name, lat == null ? null : { type: 'Feature', properties: { label }, geometry: { type: 'Point', coordinates: [lon, lat] } },
      { point: { color, fillColor: color }, tooltip: (f) => f.properties.label });
  }

  fit(name) {
    const layer = this.layers[name];
    if (layer && layer.getBounds().isValid()) this.map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  }

  refresh() {
    this.map.invalidateSize();
  }
}
