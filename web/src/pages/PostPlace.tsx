import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Modal } from 'antd';
import { client, need } from '../api';
import { clearFieldErrors, dropReasonsOnChange, showFieldErrors } from '../forms';
import { PlaceFields, type PlaceValues } from '../places';
import { Session } from '../session';
import type { Body } from '../vocab';

/**
 * Corrects where a post's work is done — its village, address and point — after it was posted (a wrong village
 * sends a gig to the wrong people). The service keeps the village in the post's own county and says why beside
 * the field when it is not; the list and its CSV are read again afterwards.
 */
export function PostPlaceModal({ post, onClose }: { post: Body<'Vacancy'> | null; onClose: () => void }) {
  const { lang, t } = Session.use();
  const queries = useQueryClient();
  const [form] = Form.useForm<PlaceValues>();
  const save = useMutation({
    mutationFn: (v: PlaceValues) => {
      if (!post) throw new Error('no post');
      const body: Body<'VacancyPatch'> = {
        regionCode: v.villageCode ?? post.regionCode,
        address: v.address?.trim() || null,
        lat: typeof v.lat === 'number' ? v.lat : null,
        lng: typeof v.lng === 'number' ? v.lng : null,
      };
      return need(client(lang).PATCH('/api/v1/vacancies/{id}', { params: { path: { id: post.id } }, body }));
    },
    onMutate: () => clearFieldErrors(form),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['vacancies'] });
      close();
    },
    // Each field's reason from this answer, beside the village or the point.
    onError: (e) => showFieldErrors(form, e, { regionCode: 'villageCode' }),
  });
  function close() {
    save.reset();
    onClose();
  }
  return (
    <Modal
      open={Boolean(post)}
      title={post ? t('vacancies.edit_place_title', { title: post.title }) : ''}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('vacancies.save')}
      confirmLoading={save.isPending}
      width={Math.min(760, window.innerWidth)}
      destroyOnHidden
    >
      {/* Made afresh for each post (the modal's content goes when it closes), starting from the post's place. */}
      <Form
        name="post_place"
        form={form} onValuesChange={dropReasonsOnChange(form)}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={post ? { villageCode: post.regionCode.length === 12 ? post.regionCode : undefined, address: post.address ?? undefined, lat: post.lat, lng: post.lng } : {}}
      >
        <PlaceFields form={form} />
      </Form>
      {save.error && <Alert type="error" title={save.error.message} style={{ marginTop: 8 }} />}
    </Modal>
  );
}
