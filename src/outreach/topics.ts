/** What a message is about, as a person subscribes to it (零工, 长期工, 培训, 政策 …). */
export const TOPICS = ['gig', 'regular', 'seasonal', 'public_welfare', 'work_relief', 'workshop', 'training', 'policy', 'job_fair'] as const;
export type Topic = (typeof TOPICS)[number];
