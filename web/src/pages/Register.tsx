import { Alert, Button, Checkbox, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { HomeVillagePicker } from '../places';
import { Session } from '../session';
import { CAPACITIES, isMonitored, MONITORING_TYPES, NEW_CATEGORIES, type Body, type Capacity, type Category, type MonitoringType } from '../vocab';


/** The person as the register answers them (POST /workers, or a fair desk's walk-in's `worker`). */
export type Registered = Body<'Worker'>;

/**
 * 实名登记 of one person, with the register's rules (a forged ID number is refused beside its field). Used
 * in the register and at a fair's desk, where `submit` registers and checks in at once.
 */
export function RegisterForm({ submit, submitText, onDone }: { submit?: (body: Body<'WorkerCreate'>) => Promise<Registered>; submitText?: string; onDone: (w: Registered) => void }) {
  const { me, lang, t } = Session.use();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const category = Form.useWatch<Category | undefined>('category', form);
  const save = async (v: { name: string; idNumber: string; phone?: string; regionCode: string; laborCapacity: Capacity; category: Category; monitoringType?: MonitoringType; notTransferredReason?: string; education?: string; skills?: string[]; consent?: boolean }) => {
    setError(null);
    clearFieldErrors(form);
    const body: Body<'WorkerCreate'> = {
      name: v.name,
      idNumber: v.idNumber.trim(),
      phone: v.phone?.trim() || null,
      regionCode: v.regionCode,
      laborCapacity: v.laborCapacity,
      category: v.category,
      monitoringType: isMonitored(v.category) ? (v.monitoringType ?? null) : null,
      notTransferredReason: v.notTransferredReason?.trim() || null,
      education: v.education?.trim() || null,
      skills: v.skills ?? [],
      consent: Boolean(v.consent),
    };
    try {
      const person = await (submit ? submit(body) : need(client(lang).POST('/api/v1/workers', { body })));
      form.resetFields();
      onDone(person);
    } catch (e) {
      setError(showFieldErrors(form, e));
    }
  };
  return (
    <Form name="register" form={form} onValuesChange={dropReasonsOnChange(form)} layout="vertical" onFinish={save} initialValues={{ regionCode: me!.regionCode, laborCapacity: 'full', category: 'lifted', consent: true }}>
      <Space wrap align="start">
        <Form.Item name="name" label={t('workers.name')} rules={[{ required: true, whitespace: true, message: t('vacancies.required') }]}>
          <Input maxLength={50} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="idNumber" label={t('workers.id_number')} rules={[{ required: true, whitespace: true, message: t('vacancies.required') }]}>
          <Input maxLength={18} style={{ width: 220 }} autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t('workers.phone')}>
          <Input inputMode="tel" maxLength={20} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="regionCode" label={t('workers.region_code')} rules={[{ required: true, message: t('vacancies.required') }]}>
          <HomeVillagePicker />
        </Form.Item>
      </Space>
      <Space wrap align="start">
        <Form.Item name="laborCapacity" label={t('workers.capacity')}>
          <Select style={{ width: 170 }} options={CAPACITIES.map((c) => ({ value: c, label: t(`workers.capacities.${c}`) }))} />
        </Form.Item>
        <Form.Item name="category" label={t('workers.category')}>
          <Select style={{ width: 170 }} options={NEW_CATEGORIES.map((c) => ({ value: c, label: t(`workers.categories.${c}`) }))} />
        </Form.Item>
        {isMonitored(category) && (
          <Form.Item name="monitoringType" label={t('workers.monitoringType')} rules={[{ required: true, message: t('vacancies.required') }]}>
            <Select style={{ width: 200 }} options={MONITORING_TYPES.map((m) => ({ value: m, label: t(`workers.monitoringTypes.${m}`) }))} />
          </Form.Item>
        )}
        <Form.Item name="education" label={t('workers.education')}>
          <Input maxLength={20} style={{ width: 120 }} />
        </Form.Item>
      </Space>
      <Form.Item name="notTransferredReason" label={t('workers.not_transferred_reason')} tooltip={t('workers.not_transferred_reason_hint')}>
        <Input maxLength={100} style={{ width: 320 }} />
      </Form.Item>
      <Form.Item name="skills" label={t('workers.skills')}>
        <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
      </Form.Item>
      <Form.Item name="consent" valuePropName="checked">
        <Checkbox>{t('workers.consent')}</Checkbox>
      </Form.Item>
      <Button type="primary" htmlType="submit">{submitText ?? t('workers.register')}</Button>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
    </Form>
  );
}
