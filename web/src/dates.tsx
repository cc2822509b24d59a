import { DatePicker, TimePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/zh-cn';
import type { Lang } from './i18n';

/**
 * Dates and times as stations read them: antd's pickers in Chinese (or English), 24-hour, typed or picked.
 * The fields hold plain strings as the API and `beijing()` take them ('YYYY-MM-DD', 'HH:mm',
 * 'YYYY-MM-DDTHH:mm'): a time is the wall clock in Beijing whatever the browser's time zone, because the
 * picker only ever shows and returns the digits, never an instant.
 */
dayjs.extend(customParseFormat);

export function setDayjsLocale(lang: Lang): void {
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
}

const DATE = 'YYYY-MM-DD';
const TIME = 'HH:mm';
const DATE_TIME = 'YYYY-MM-DD HH:mm';

type StringField = { value?: string | null; onChange?: (value: string) => void; id?: string; style?: React.CSSProperties; placeholder?: string; 'aria-label'?: string; disabled?: boolean };

const read = (value: string | null | undefined, format: string): Dayjs | null => {
  if (!value) return null;
  const d = dayjs(value.replace('T', ' '), format, true);
  return d.isValid() ? d : null;
};

/** A day (YYYY-MM-DD). */
export function DateField({ value, onChange, ...rest }: StringField) {
  return <DatePicker {...rest} format={DATE} value={read(value, DATE)} onChange={(d) => onChange?.(d ? d.format(DATE) : '')} style={{ width: 170, ...rest.style }} />;
}

/** A time of day, 24-hour (HH:mm). */
export function TimeField({ value, onChange, ...rest }: StringField) {
  return <TimePicker {...rest} format={TIME} needConfirm={false} value={read(value, TIME)} onChange={(d) => onChange?.(d ? d.format(TIME) : '')} style={{ width: 120, ...rest.style }} />;
}

/** A day and time in Beijing, 24-hour ('YYYY-MM-DDTHH:mm', for `beijing()`). */
export function DateTimeField({ value, onChange, ...rest }: StringField) {
  return (
    <DatePicker
      {...rest}
      showTime={{ format: TIME }}
      needConfirm={false}
      format={DATE_TIME}
      value={read(value, DATE_TIME)}
      onChange={(d) => onChange?.(d ? d.format('YYYY-MM-DDTHH:mm') : '')}
      style={{ width: 200, ...rest.style }}
    />
  );
}
