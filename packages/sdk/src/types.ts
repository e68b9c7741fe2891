/**
 * Request and response types, all derived from the contract's zod schemas in
 * `@gatherkit/core` (types only: no zod code reaches the SDK's bundle).
 */
import type {
  AddMemberSchema,
  CreatedSecretKeySchema,
  CreateRoomTokenSchema,
  CreateParticipantTokenSchema,
  CreatePublishableKeySchema,
  CreateSecretKeySchema,
  RefreshSchema,
  SignInSchema,
  SignUpSchema,
  UpdateMemberSchema,
  UpdateOrganizationSchema,
  UpdatePublishableKeySchema,
  z,
} from "@gatherkit/core";

export type {
  ErrorCode,
  Health,
  Me,
  Member,
  Organization,
  Participant,
  ParticipantToken,
  Problem,
  PublishableKey,
  Role,
  RoomToken,
  SecretKey,
  Session,
  User,
} from "@gatherkit/core";

export type SignUpParams = z.input<typeof SignUpSchema>;
export type SignInParams = z.input<typeof SignInSchema>;
export type RefreshParams = z.input<typeof RefreshSchema>;

export type OrganizationUpdateParams = z.input<typeof UpdateOrganizationSchema>;
export type MemberCreateParams = z.input<typeof AddMemberSchema>;
export type MemberUpdateParams = z.input<typeof UpdateMemberSchema>;

export type SecretKeyCreateParams = z.input<typeof CreateSecretKeySchema>;
/** A new secret key, with its `secret`: shown once, only a hash is kept. */
export type CreatedSecretKey = z.infer<typeof CreatedSecretKeySchema>;

export type PublishableKeyCreateParams = z.input<typeof CreatePublishableKeySchema>;
export type PublishableKeyUpdateParams = z.input<typeof UpdatePublishableKeySchema>;

export type ParticipantTokenCreateParams = z.input<typeof CreateParticipantTokenSchema>;

export type RoomTokenCreateParams = z.input<typeof CreateRoomTokenSchema>;
