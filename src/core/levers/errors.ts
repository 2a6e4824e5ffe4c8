/** Why a lever could not be read or written. The file is never written when one of these is returned. */
export type LeverErrorKind =
  | "invalid-target"
  | "invalid-yaml"
  | "not-found"
  | "ambiguous"
  | "alias"
  | "template"
  | "wrong-type"
  | "limit"
  | "unsupported";

/** The key of a lever's `target` a resolution error is about, so validate can point at it. */
export type TargetField =
  | "file"
  | "kind"
  | "name"
  | "namespace"
  | "container"
  | "field"
  | "path"
  | "document";

export interface LeverError {
  readonly kind: LeverErrorKind;
  /** Names the file, the target and what was found instead. */
  readonly message: string;
  /** Which of the target's keys is at fault, when resolution can tell. */
  readonly field?: TargetField;
}

export const leverError = (kind: LeverErrorKind, message: string, field?: TargetField): LeverError =>
  field === undefined ? { kind, message } : { kind, message, field };
