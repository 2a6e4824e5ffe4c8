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

export interface LeverError {
  readonly kind: LeverErrorKind;
  /** Names the file, the target and what was found instead. */
  readonly message: string;
}

export const leverError = (kind: LeverErrorKind, message: string): LeverError => ({ kind, message });
