/** What apply, prune or destroy did to one object. */
export type ObjectAction = 'created' | 'adopted' | 'configured' | 'unchanged' | 'pruned' | 'released';

export interface ObjectOutcome {
  /** `Kind namespace/name`. */
  readonly ref: string;
  readonly action: ObjectAction;
}
