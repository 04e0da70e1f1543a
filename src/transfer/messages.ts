/** Every text copying runs and models between stores shows a user, in one place so tests can assert on them. */
export const transferMessages = {
  sameStore: (uri: string) => `source and destination are the same store (${uri}); give another destination`,
} as const;
