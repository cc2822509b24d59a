import { useQuery } from '@tanstack/react-query';
import { Alert, Typography } from 'antd';
import type { GeoJSONSource, Map as MapLibre, Marker, StyleSpecification } from 'maplibre-gl';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { client, need } from './api';
import { Session } from './session';

export interface Point {
  lat: number;
  lng: number;
}

/** The deployment's map settings (tiles, the circle around home, China's extent), asked once per session. */
export function useMapSettings() {
  const { lang } = Session.use();
  return useQuery({ queryKey: ['map', lang], queryFn: () => need(client(lang).GET('/api/v1/map')), staleTime: Infinity });
}

/** A circle of `km` around a point as a polygon (64 sides), for the 15-minute circle. */
export function circle(p: Point, km: number) {
  const ring: Array<[number, number]> = [];
  const dLat = km / 111.2;
  const dLng = km / (111.2 * Math.cos((p.lat * Math.PI) / 180));
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    ring.push([p.lng + dLng * Math.cos(a), p.lat + dLat * Math.sin(a)]);
  }
  return { type: 'Feature' as const, properties: {}, geometry: { type: 'Polygon' as const, coordinates: [ring] } };
}

/** The style (also the station map's): the deployment's own tiles, or a plain background that needs no network (offline stations). */
export function styleOf(tileUrl: string | null, attribution: string | null): StyleSpecification | string {
  if (tileUrl && /\.json(\?.*)?$/.test(tileUrl)) return new URL(tileUrl, window.location.origin).href;
  const background = { id: 'background', type: 'background' as const, paint: { 'background-color': '#eef1e8' } };
  if (!tileUrl) return { version: 8, sources: {}, layers: [background] };
  const tiles = [tileUrl.startsWith('/') ? `${window.location.origin}${tileUrl}` : tileUrl];
  return {
    version: 8,
    sources: { tiles: { type: 'raster', tiles, tileSize: 256, ...(attribution ? { attribution } : {}) } },
    layers: [background, { id: 'tiles', type: 'raster', source: 'tiles' }],
  };
}

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** An empty layer's data, for sources filled once the map is ready. */
export const NO_FEATURES = EMPTY;

type MapLib = typeof import('maplibre-gl');

/**
 * One MapLibre map in `box`, made once the deployment's settings are known and again if they change: the
 * library is loaded only when a page shows a map, the view is kept near China, zoom and scale controls are
 * added, and `onLoad` adds the page's own sources and layers. `failed` is set where the browser cannot draw
 * (no WebGL): the page shows a note instead, and its coordinate fields still work.
 */
export function useMapLibre(
  box: RefObject<HTMLDivElement | null>,
  view: { center: Point; zoom: number },
  onLoad: (map: MapLibre) => void,
  onClick?: (p: Point) => void,
) {
  const settings = useMapSettings();
  const map = useRef<MapLibre | null>(null);
  const lib = useRef<MapLib | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const s = settings.data;

  useEffect(() => {
    if (!s || !box.current) return;
    let gone = false;
    void (async () => {
      try {
        const [m, worker] = await Promise.all([import('maplibre-gl'), import('maplibre-gl/dist/maplibre-gl-worker.mjs?url'), import('maplibre-gl/dist/maplibre-gl.css')]);
        if (gone || !box.current) return;
        m.setWorkerUrl(worker.default);
        lib.current = m;
        const made = new m.Map({
          container: box.current,
          style: styleOf(s.tileUrl, s.attribution),
          center: [view.center.lng, view.center.lat],
          zoom: view.zoom,
          maxBounds: [
            [s.bounds.west - 5, s.bounds.south - 5],
            [s.bounds.east + 5, s.bounds.north + 5],
          ],
          attributionControl: s.attribution ? { compact: true, customAttribution: s.attribution } : false,
          keyboard: false,
        });
        made.addControl(new m.NavigationControl({ showCompass: false }), 'top-right');
        made.addControl(new m.ScaleControl({ unit: 'metric' }), 'bottom-left');
        made.on('load', () => {
          onLoad(made);
          if (!gone) setReady(true);
        });
        made.on('click', (e) => click.current?.({ lat: round(e.lngLat.lat), lng: round(e.lngLat.lng) }));
        map.current = made;
      } catch {
        if (!gone) setFailed(true);
      }
    })();
    return () => {
      gone = true;
      map.current?.remove();
      map.current = null;
      setReady(false);
    };
    // The map is made once per settings; what it shows follows in the page's own effects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [s]);

  return { map, lib, ready, failed, settings: s };
}

/**
 * A map of one place: the point (a marker), the circle of `circleKm` around it, and a labelled reference point
 * (a village's centre, as far as the points recorded in it tell). A click or tap picks the point. The map is
 * drawn with MapLibre, loaded only when a page shows one; a browser without WebGL gets a note instead, and the
 * coordinate fields beside the map always work (a map is no use by keyboard).
 */
export function PlaceMap({ point, onPick, circleKm, reference, height = 280 }: { point: Point | null; onPick?: (p: Point) => void; circleKm?: number; reference?: (Point & { label: string }) | null; height?: number }) {
  const { t } = Session.use();
  const box = useRef<HTMLDivElement>(null);
  const marker = useRef<Marker | null>(null);
  const refMarker = useRef<Marker | null>(null);
  const settings = useMapSettings();
  const s = settings.data;
  const start = point ?? reference ?? (s ? { lat: (s.bounds.south + s.bounds.north) / 2, lng: (s.bounds.west + s.bounds.east) / 2 } : { lat: 0, lng: 0 });
  const { map, lib, ready, failed } = useMapLibre(
    box,
    { center: start, zoom: point || reference ? 11 : 3 },
    (made) => {
      made.addSource('circle', { type: 'geojson', data: EMPTY });
      made.addLayer({ id: 'circle-fill', type: 'fill', source: 'circle', paint: { 'fill-color': '#1677ff', 'fill-opacity': 0.12 } });
      made.addLayer({ id: 'circle-line', type: 'line', source: 'circle', paint: { 'line-color': '#1677ff', 'line-width': 2 } });
    },
    onPick,
  );

  // The point, its circle, and the reference, kept in step with the fields.
  useEffect(() => {
    const made = map.current;
    const m = lib.current;
    if (!ready || !made || !m) return;
    marker.current?.remove();
    marker.current = point ? new m.Marker({ color: '#d4380d' }).setLngLat([point.lng, point.lat]).addTo(made) : null;
    // MapLibre's getSource answers the base type; 'circle' is the GeoJSON source added on load.
    (made.getSource('circle') as GeoJSONSource | undefined)?.setData(point && circleKm ? { type: 'FeatureCollection', features: [circle(point, circleKm)] } : EMPTY);
    refMarker.current?.remove();
    if (reference) {
      const el = document.createElement('div');
      el.className = 'place-reference';
      el.textContent = `◆ ${reference.label}`;
      el.style.cssText = 'font-size:12px;color:#595959;background:rgba(255,255,255,.85);padding:0 4px;border-radius:2px;white-space:nowrap';
      refMarker.current = new m.Marker({ element: el, anchor: 'left' }).setLngLat([reference.lng, reference.lat]).addTo(made);
    } else refMarker.current = null;
    const focus = point ?? reference;
    if (focus) made.easeTo({ center: [focus.lng, focus.lat], zoom: Math.max(made.getZoom(), circleKm ? zoomFor(circleKm) : 11), duration: 0 });
  }, [ready, map, lib, point, circleKm, reference]);

  return (
    <div>
      {failed ? (
        <Alert type="info" title={t('places.no_map')} />
      ) : (
        <div
          ref={box}
          data-testid="place-map"
          data-ready={ready ? 'yes' : 'no'}
          data-point={point ? `${point.lat},${point.lng}` : ''}
          data-circle-km={point && circleKm ? String(circleKm) : ''}
          role="img"
          aria-label={point ? t('places.map_label_point', { lat: point.lat, lng: point.lng }) : t('places.map_label')}
          style={{ height, width: '100%', borderRadius: 6, overflow: 'hidden', border: '1px solid #d9d9d9', cursor: onPick ? 'crosshair' : undefined }}
        />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="place-map-legend">
        {point && circleKm ? t('places.circle_legend', { km: circleKm }) : t('places.map_hint')}
        {s && !s.tileUrl ? ` ${t('places.plain_background')}` : ''}
      </Typography.Text>
    </div>
  );
}

/** Six decimals: about 10 cm, more than any place needs. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** A zoom at which a circle of `km` fills most of a small map. */
export const zoomFor = (km: number) => Math.max(3, Math.min(15, Math.round(13.5 - Math.log2(km))));
