import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Select, Space, Typography } from 'antd';
import type { GeoJSONSource, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { client, need } from './api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from './forms';
import { circle, NO_FEATURES, useMapLibre, useMapSettings, zoomFor, type Point } from './map';
import { PlaceFields, type PlaceValues } from './places';
import { RegionName } from './regions';
import { Session } from './session';
import type { Body } from './vocab';

type Station = Body<'Station'>;
type Gig = Body<'Vacancy'>;

/** Great-circle distance in km (a gig inside the circle or not). */
function kmBetween(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
const pointOf = (s: { lat: number | null; lng: number | null }): Point | null => (s.lat !== null && s.lng !== null ? { lat: s.lat, lng: s.lng } : null);

/**
 * The station's place and its 15-minute circle (15分钟就业服务圈) beside its open gigs: its staff (or an
 * administrator of its region) set where it is with the place picker, and the map draws the circle of
 * the deployment's matching radius around it, with each open gig of its area as a dot.
 */
export function StationPlace() {
  const { me, lang, t } = Session.use();
  const queries = useQueryClient();
  const settings = useMapSettings();
  const [form] = Form.useForm<PlaceValues>();
  const [chosen, setChosen] = useState<string | undefined>();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['stations', lang], queryFn: () => need(client(lang).GET('/api/v1/stations')) });
  const stations = list.data?.items ?? [];
  // The clerk's own station; an administrator picks one of the region's.
  const station: Station | undefined = stations.find((s) => s.id === (chosen ?? me!.stationId)) ?? stations[0];
  const gigsQuery = useQuery({
    queryKey: ['vacancies', lang, { kind: 'gig', status: 'open' }],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies', { params: { query: { kind: 'gig', status: 'open', pageSize: 100 } } })),
  });
  const gigs = (gigsQuery.data?.items ?? []).filter((g) => station && g.regionCode.startsWith(station.regionCode.slice(0, 6)) && g.lat !== null && g.lng !== null);
  const save = useMutation({
    mutationFn: (body: Body<'StationPlace'>) => need(client(lang).PUT('/api/v1/stations/{id}/place', { params: { path: { id: station!.id } }, body })),
    onMutate: () => {
      setSaved(null);
      clearFieldErrors(form);
    },
    onSuccess: (s) => {
      setEditing(false);
      setSaved(t('station_place.saved', { name: s.name }));
      return queries.invalidateQueries({ queryKey: ['stations'] });
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const edit = () => {
    if (!station) return;
    save.reset();
    setSaved(null);
    form.setFieldsValue({ villageCode: station.villageCode ?? undefined, address: station.address ?? undefined, lat: station.lat, lng: station.lng });
    setEditing(true);
  };
  const submit = (v: PlaceValues) => {
    // The circle needs a centre: without a point nothing is sent, and the field says why.
    if (typeof v.lat !== 'number' || typeof v.lng !== 'number') return form.setFields([{ name: 'lat', errors: [t('station_place.point_required')] }]);
    save.mutate({ villageCode: v.villageCode ?? '', address: v.address?.trim() || null, lat: v.lat, lng: v.lng });
  };
  const home = station ? pointOf(station) : null;
  const km = settings.data?.radiusKm;
  return (
    <Card size="small" title={t('station_place.title')} style={{ marginBottom: 16 }} data-testid="station-place">
      {list.error && <Alert type="error" title={list.error.message} style={{ marginBottom: 8 }} />}
      {list.isSuccess && stations.length === 0 && <Typography.Paragraph type="secondary">{t('station_place.none')}</Typography.Paragraph>}
      {station && (
        <>
          <Space wrap align="center" style={{ marginBottom: 8 }}>
            {stations.length > 1 && !me!.stationId && (
              <Select aria-label={t('station_place.station')} style={{ width: 240 }} value={station.id} onChange={(id) => { setChosen(id); setEditing(false); }} options={stations.map((s) => ({ value: s.id, label: s.name }))} />
            )}
            <Typography.Text strong>{station.name}</Typography.Text>
            <Typography.Text data-testid="station-place-text">
              {station.villageCode ? (
                <>
                  <RegionName code={station.villageCode} />
                  {station.address ? ` ${station.address}` : ''}
                </>
              ) : (
                t('station_place.not_set')
              )}
            </Typography.Text>
            {!editing && <Button onClick={edit}>{station.villageCode ? t('station_place.change') : t('station_place.set')}</Button>}
          </Space>
          {saved && <Alert type="success" title={saved} style={{ marginBottom: 8 }} />}
          {editing ? (
            <Form name="station_place" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={submit}>
              <PlaceFields form={form} />
              <Space style={{ marginTop: 8 }}>
                <Button type="primary" htmlType="submit" loading={save.isPending}>{t('station_place.save')}</Button>
                <Button onClick={() => setEditing(false)}>{t('station_place.cancel')}</Button>
              </Space>
              {save.error && <Alert type="error" title={save.error.message} style={{ marginTop: 8 }} />}
            </Form>
          ) : (
            home && <CircleMap stations={[{ id: station.id, name: station.name, home }]} km={km} gigs={gigs} label={t('station_place.map_label', { name: station.name })} />
          )}
        </>
      )}
    </Card>
  );
}

/**
 * The stations of the reader's region on one map (for a county's administrators and those above, who have no
 * station of their own): each placed station with its 15-minute circle, and the region's open gigs as dots.
 * A station not yet placed is named below the map; with none placed, the card says so.
 */
export function StationsOverview() {
  const { me, lang, t } = Session.use();
  const settings = useMapSettings();
  const list = useQuery({ queryKey: ['stations', lang], queryFn: () => need(client(lang).GET('/api/v1/stations')) });
  const gigsQuery = useQuery({
    queryKey: ['vacancies', lang, { kind: 'gig', status: 'open' }],
    queryFn: () => need(client(lang).GET('/api/v1/vacancies', { params: { query: { kind: 'gig', status: 'open', pageSize: 100 } } })),
  });
  const all = list.data?.items ?? [];
  const placed = all.flatMap((s) => {
    const home = pointOf(s);
    return home ? [{ id: s.id, name: s.name, home }] : [];
  });
  const unplaced = all.filter((s) => !pointOf(s));
  const gigs = (gigsQuery.data?.items ?? []).filter((g) => g.regionCode.startsWith(me!.regionCode) && g.lat !== null && g.lng !== null);
  return (
    <Card size="small" title={t('stations_map.title')} style={{ marginBottom: 16 }} data-testid="stations-map-card">
      {list.error && <Alert type="error" title={list.error.message} style={{ marginBottom: 8 }} />}
      {list.isSuccess && placed.length === 0 && <Typography.Paragraph type="secondary">{t('stations_map.none')}</Typography.Paragraph>}
      {placed.length > 0 && <CircleMap stations={placed} km={settings.data?.radiusKm} gigs={gigs} label={t('stations_map.map_label', { n: placed.length })} />}
      {placed.length > 0 && unplaced.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="stations-unplaced">
          {t('stations_map.unplaced', { names: unplaced.map((s) => s.name).join('、') })}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/**
 * Stations (a marker each), the circle of `km` around each and the open gigs (dots), drawn with MapLibre; what is
 * drawn is also said on the element (the circle's radius, how many stations and gigs, how many inside a circle), for
 * the keyboard and screen-reader user and for the console's tests. One station is shown at its circle's zoom; several,
 * all their circles in view.
 */
function CircleMap({ stations, km, gigs, label }: { stations: Array<{ id: string; name: string; home: Point }>; km?: number; gigs: Gig[]; label: string }) {
  const { t } = Session.use();
  const box = useRef<HTMLDivElement>(null);
  const markers = useRef<Marker[]>([]);
  const [drawn, setDrawn] = useState<{ circleKm: number | null; stations: number; gigs: number } | null>(null);
  const points = gigs.flatMap((g) => (g.lat !== null && g.lng !== null ? [{ id: g.id, title: g.title, lat: g.lat, lng: g.lng }] : []));
  const inside = km ? points.filter((p) => stations.some((s) => kmBetween(s.home, p) <= km)).length : 0;
  const pointsKey = JSON.stringify(points);
  const stationsKey = JSON.stringify(stations);
  const first = stations[0]!.home;
  const { map, lib, ready, failed } = useMapLibre(box, { center: first, zoom: 11 }, (made) => {
    made.addSource('station-circle', { type: 'geojson', data: NO_FEATURES });
    made.addLayer({ id: 'station-circle-fill', type: 'fill', source: 'station-circle', paint: { 'fill-color': '#1677ff', 'fill-opacity': 0.12 } });
    made.addLayer({ id: 'station-circle-line', type: 'line', source: 'station-circle', paint: { 'line-color': '#1677ff', 'line-width': 2 } });
    made.addSource('station-gigs', { type: 'geojson', data: NO_FEATURES });
    made.addLayer({ id: 'station-gigs', type: 'circle', source: 'station-gigs', paint: { 'circle-radius': 6, 'circle-color': '#fa8c16', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
  });

  useEffect(() => {
    const made = map.current;
    const m = lib.current;
    if (!ready || !made || !m) return;
    const rings = km ? stations.map((s) => circle(s.home, km)) : [];
    const dots = { type: 'FeatureCollection' as const, features: points.map((p) => ({ type: 'Feature' as const, properties: { id: p.id, title: p.title }, geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] } })) };
    made.getSource<GeoJSONSource>('station-circle')?.setData({ type: 'FeatureCollection', features: rings });
    made.getSource<GeoJSONSource>('station-gigs')?.setData(dots);
    for (const old of markers.current) old.remove();
    markers.current = stations.map((s) => {
      const el = document.createElement('div');
      el.dataset.testid = 'station-marker';
      el.textContent = `★ ${s.name}`;
      el.style.cssText = 'font-size:12px;color:#d4380d;background:rgba(255,255,255,.9);padding:0 4px;border-radius:2px;white-space:nowrap;font-weight:600';
      return new m.Marker({ element: el, anchor: 'left' }).setLngLat([s.home.lng, s.home.lat]).addTo(made);
    });
    if (stations.length === 1) made.easeTo({ center: [first.lng, first.lat], zoom: km ? zoomFor(km) : 11, duration: 0 });
    else {
      // Every circle in view: the stations' points widened by the radius.
      const pad = km ?? 0;
      const lats = stations.flatMap((s) => [s.home.lat - pad / 111.2, s.home.lat + pad / 111.2]);
      const lngs = stations.flatMap((s) => [s.home.lng - pad / (111.2 * Math.cos((s.home.lat * Math.PI) / 180)), s.home.lng + pad / (111.2 * Math.cos((s.home.lat * Math.PI) / 180))]);
      made.fitBounds([[Math.min(...lngs), Math.min(...lats)], [Math.max(...lngs), Math.max(...lats)]], { padding: 24, duration: 0, maxZoom: km ? zoomFor(km) : 13 });
    }
    setDrawn({ circleKm: rings.length ? (km ?? null) : null, stations: stations.length, gigs: dots.features.length });
    // pointsKey and stationsKey stand for the gigs and the stations (new arrays each render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, km, pointsKey, stationsKey]);

  return (
    <div>
      {failed ? (
        <Alert type="info" title={t('places.no_map')} />
      ) : (
        <div
          ref={box}
          data-testid="station-map"
          data-ready={ready ? 'yes' : 'no'}
          data-station-point={stations.length === 1 ? `${first.lat},${first.lng}` : ''}
          data-stations={drawn ? String(drawn.stations) : ''}
          data-circle-km={drawn?.circleKm ?? ''}
          data-gig-points={drawn ? String(drawn.gigs) : ''}
          role="img"
          aria-label={label}
          style={{ height: 300, width: '100%', borderRadius: 6, overflow: 'hidden', border: '1px solid #d9d9d9' }}
        />
      )}
      {km && (
        <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="station-map-legend">
          {stations.length === 1
            ? t('station_place.legend', { name: stations[0]!.name, km, inside, total: points.length })
            : t('stations_map.legend', { n: stations.length, km, inside, total: points.length })}
        </Typography.Text>
      )}
    </div>
  );
}
