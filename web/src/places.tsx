import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, Select, Space, Typography, type FormInstance } from 'antd';
import { useState } from 'react';
import { client, need } from './api';
import { PlaceMap, useMapSettings, type Point } from './map';
import { RegionName, RegionPicker } from './regions';
import { Session } from './session';

/**
 * Finds a village or community (村、社区) of one's area by part of its name, as people know it; each answer
 * says its township and county, so two villages of one name are told apart. Typed and chosen by keyboard.
 */
export function VillageSearch({ value, onChange, id, ariaLabel, style }: { value?: string; onChange?: (code: string | undefined) => void; id?: string; ariaLabel?: string; style?: React.CSSProperties }) {
  const { lang, t } = Session.use();
  const [words, setWords] = useState('');
  const found = useQuery({
    queryKey: ['regions/search', words, lang],
    queryFn: () => need(client(lang).GET('/api/v1/regions/search', { params: { query: { q: words } } })),
    enabled: words.trim().length > 0,
  });
  const options = (found.data?.items ?? []).map((r) => ({ value: r.code, label: [r.name, r.township, r.county].filter(Boolean).join(' · ') }));
  // The chosen village keeps its name when the search words change.
  const shown = value && !options.some((o) => o.value === value) ? [{ value, label: <RegionName code={value} /> }, ...options] : options;
  return (
    <Select
      id={id}
      aria-label={ariaLabel ?? t('places.village_search')}
      showSearch={{ filterOption: false, onSearch: (v) => setWords(v.trim()) }}
      allowClear
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      placeholder={t('places.village_placeholder')}
      notFoundContent={words ? (found.isFetching ? t('places.searching') : found.error ? found.error.message : t('places.no_village')) : t('places.type_name')}
      options={shown}
      style={{ minWidth: 260, ...style }}
    />
  );
}

/** The place fields a form holds: village code, address, latitude and longitude. */
export interface PlaceValues {
  villageCode?: string;
  address?: string;
  lat?: number | null;
  lng?: number | null;
}

/**
 * A place picked village first: the village by name, the address, then the point — by a click or tap on the map,
 * by typing the coordinates (the keyboard way), or from the village's centre where the points recorded in it
 * tell where that is. The circle around home (MATCH_RADIUS_KM, the 15-minute circle) is drawn around the point.
 */
export function PlaceFields({ form }: { form: FormInstance }) {
  const { lang, t } = Session.use();
  const settings = useMapSettings();
  const village = Form.useWatch<string | undefined>('villageCode', form);
  const lat = Form.useWatch<number | null | undefined>('lat', form);
  const lng = Form.useWatch<number | null | undefined>('lng', form);
  const centre = useQuery({
    queryKey: ['regions/centre', village, lang],
    queryFn: () => need(client(lang).GET('/api/v1/regions/{code}/centre', { params: { path: { code: village! } } })),
    enabled: Boolean(village),
  });
  const point: Point | null = typeof lat === 'number' && typeof lng === 'number' ? { lat, lng } : null;
  const c = centre.data?.centre ?? null;
  const b = settings.data?.bounds;
  const setPoint = (p: Point) => {
    form.setFieldsValue({ lat: p.lat, lng: p.lng });
    void form.validateFields(['lat', 'lng']).catch(() => undefined);
  };
  return (
    <div data-testid="place-fields">
      <Space wrap align="start">
        <Form.Item name="villageCode" label={t('places.village')} extra={t('places.village_extra')}>
          <VillageSearch />
        </Form.Item>
        <Form.Item name="address" label={t('places.address')}>
          <Input maxLength={200} style={{ width: 260 }} placeholder={t('places.address_placeholder')} />
        </Form.Item>
      </Space>
      <Space wrap align="end">
        <Form.Item name="lat" label={t('places.lat')} rules={[{ type: 'number', min: b?.south ?? -90, max: b?.north ?? 90, message: t('places.lat_range', { min: b?.south ?? -90, max: b?.north ?? 90 }) }]}>
          <InputNumber step={0.0001} precision={6} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="lng" label={t('places.lng')} rules={[{ type: 'number', min: b?.west ?? -180, max: b?.east ?? 180, message: t('places.lng_range', { min: b?.west ?? -180, max: b?.east ?? 180 }) }]}>
          <InputNumber step={0.0001} precision={6} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item>
          <Space wrap>
            <Button disabled={!c} onClick={() => c && setPoint({ lat: Math.round(c.lat * 1e6) / 1e6, lng: Math.round(c.lng * 1e6) / 1e6 })}>
              {t('places.use_centre')}
            </Button>
            <Button disabled={!point} onClick={() => form.setFieldsValue({ lat: null, lng: null })}>
              {t('places.clear_point')}
            </Button>
          </Space>
        </Form.Item>
      </Space>
      {village && centre.isSuccess && !c && <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t('places.no_centre')}</Typography.Paragraph>}
      {centre.error && <Alert type="warning" title={centre.error.message} style={{ marginBottom: 8 }} />}
      <PlaceMap point={point} onPick={setPoint} circleKm={settings.data?.radiusKm} reference={c && centre.data ? { lat: c.lat, lng: c.lng, label: t('places.centre_label', { name: centre.data.name, n: c.points }) } : null} />
    </div>
  );
}

/**
 * Where a person lives: a village or community (the register refuses anything coarser), found first by its name,
 * or chosen level by level (township, then village) below. Both hold the same code; `id` goes to the level-by-level
 * picker, which the field's label names.
 */
export function HomeVillagePicker({ value, onChange, id }: { value?: string; onChange?: (code: string) => void; id?: string }) {
  const { me } = Session.use();
  return (
    <Space orientation="vertical" size={4}>
      <VillageSearch value={value && value.length === 12 ? value : undefined} onChange={(code) => onChange?.(code ?? me!.regionCode)} />
      <RegionPicker id={id} value={value} onChange={onChange} />
    </Space>
  );
}
