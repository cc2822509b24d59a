import { Alert, Card, Descriptions, Modal, Space, Tag, Typography } from 'antd';
import { PersonPicker } from './PersonPicker';
import { Session } from './session';
import type { Body } from './vocab';

export type Preview = Body<'BroadcastPreview'>;

/** Fen as yuan with two decimals, for a cost estimate. */
const money = (fen: number) => (fen / 100).toFixed(2);

/** Who it reaches by channel, who is held back, the text messages and their cost: the figures staff check before sending. */
export function PreviewFigures({ preview }: { preview: Preview }) {
  const { t } = Session.use();
  const channels = Object.entries(preview.byChannel).filter(([, n]) => n > 0);
  return (
    <Descriptions size="small" column={1} bordered data-testid="preview-figures">
      <Descriptions.Item label={t('broadcasts.count')}>{preview.count}</Descriptions.Item>
      <Descriptions.Item label={t('send_preview.by_channel')}>
        {channels.length ? (
          <Space wrap size={4}>
            {channels.map(([c, n]) => (
              <Tag key={c} data-testid={`channel-${c}`}>{t('send_preview.channel_count', { channel: t(`send_preview.channels.${c}`), count: n })}</Tag>
            ))}
          </Space>
        ) : (
          '—'
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t('send_preview.held_back')}>{t('send_preview.held_back_text', { noConsent: preview.heldBack.noConsent, unsubscribed: preview.heldBack.unsubscribed })}</Descriptions.Item>
      <Descriptions.Item label={t('send_preview.sms')}>
        <span data-testid="sms-estimate">
          {t('send_preview.sms_text', { messages: preview.sms.messages, recipients: preview.sms.recipients, pieces: preview.sms.pieces, cost: money(preview.sms.costFen) })}
        </span>
        {preview.sms.configured && preview.sms.fallbackMaxMessages > preview.sms.messages && (
          <Typography.Text type="secondary" style={{ display: 'block' }}>
            {t('send_preview.sms_fallback', { messages: preview.sms.fallbackMaxMessages, cost: money(preview.sms.fallbackMaxMessages * preview.sms.priceFen) })}
          </Typography.Text>
        )}
        {!preview.sms.configured && <Typography.Text type="secondary" style={{ display: 'block' }}>{t('send_preview.sms_off')}</Typography.Text>}
      </Descriptions.Item>
      {preview.groups > 0 && <Descriptions.Item label={t('broadcasts.groups')}>{t('send_preview.groups', { count: preview.groups })}</Descriptions.Item>}
    </Descriptions>
  );
}

/** Variables some people would get empty, named, with what to do. */
export function MissingVariables({ preview }: { preview: Preview }) {
  const { t } = Session.use();
  if (!preview.variables.missing.length) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="missing-variables"
      title={t('send_preview.missing')}
      description={preview.variables.missing.map((m) => (
        <div key={m.name}>{t(m.groups && !m.recipients ? 'send_preview.missing_groups' : 'send_preview.missing_one', { name: `{{${m.name}}}`, count: m.recipients })}</div>
      ))}
    />
  );
}

/**
 * The last step before anything is sent: the figures, and the message exactly as the chosen person
 * (any one of the audience) will read it on each channel; sending needs a second, explicit click.
 */
export function SendPreviewModal({
  preview,
  open,
  busy,
  error,
  onRecipient,
  onCancel,
  onConfirm,
}: {
  preview: Preview | null;
  open: boolean;
  busy: boolean;
  error: string | null;
  onRecipient: (workerId: string) => void;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = Session.use();
  const sample = preview?.sample;
  return (
    <Modal
      open={open}
      title={t('send_preview.title')}
      okText={t('send_preview.confirm', { count: preview?.count ?? 0 })}
      cancelText={t('send_preview.back')}
      okButtonProps={{ disabled: !preview?.sendable, loading: busy }}
      onOk={onConfirm}
      onCancel={onCancel}
      destroyOnHidden
      width={720}
    >
      {preview && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <PreviewFigures preview={preview} />
          <MissingVariables preview={preview} />
          <Space wrap>
            <Typography.Text>{t('send_preview.recipient')}</Typography.Text>
            <PersonPicker value={sample?.workerId} onChange={(id) => onRecipient(id)} />
          </Space>
          {sample ? (
            <>
              <Typography.Text type="secondary">{t('send_preview.as_seen', { name: sample.name, channel: t(`send_preview.channels.${sample.channel}`) })}</Typography.Text>
              {sample.views.map((v, i) => (
                <Card key={i} size="small" data-testid={`view-${v.channel}-${v.form}`} title={t('send_preview.view', { channel: t(`send_preview.channels.${v.channel}`), form: t(`send_preview.forms.${v.form}`) })} extra={v.channel === sample.channel && v.form === 'message' ? <Tag color="blue">{t('send_preview.first_channel')}</Tag> : null}>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{v.text}</Typography.Paragraph>
                </Card>
              ))}
            </>
          ) : (
            <Alert type="info" title={t('send_preview.nobody')} />
          )}
          {preview.groupText !== null && (
            <Card size="small" title={t('send_preview.group_post')}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{preview.groupText}</Typography.Paragraph>
            </Card>
          )}
          {error && <Alert type="error" title={error} />}
        </Space>
      )}
    </Modal>
  );
}
