"""The check IDs of peer tools that shiplint must carry as aliases (facts from their docs)."""

HADOLINT = (
    "DL1001 DL3000 DL3001 DL3002 DL3003 DL3004 DL3006 DL3007 DL3008 DL3009 DL3010 DL3011 "
    "DL3012 DL3013 DL3014 DL3015 DL3016 DL3018 DL3019 DL3020 DL3021 DL3022 DL3023 DL3024 "
    "DL3025 DL3026 DL3027 DL3028 DL3029 DL3030 DL3032 DL3033 DL3034 DL3035 DL3036 DL3037 "
    "DL3038 DL3040 DL3041 DL3042 DL3043 DL3044 DL3045 DL3046 DL3047 DL3048 DL3049 DL3050 "
    "DL3051 DL3052 DL3053 DL3054 DL3055 DL3056 DL3057 DL3058 DL3059 DL3060 DL3061 DL3062 "
    "DL3063 DL3064 DL3065 DL3066 DL3067 DL4000 DL4001 DL4003 DL4004 DL4005 DL4006"
).split()

# BuildKit checks decidable without pulling the base image.
BUILDKIT = (
    "StageNameCasing FromAsCasing NoEmptyContinuation ConsistentInstructionCasing "
    "DuplicateStageName ReservedStageName JSONArgsRecommended MaintainerDeprecated "
    "UndefinedArgInFrom WorkdirRelativePath UndefinedVar MultipleInstructionsDisallowed "
    "LegacyKeyValueFormat RedundantTargetPlatform SecretsUsedInArgOrEnv InvalidDefaultArgInFrom "
    "FromPlatformFlagConstDisallowed CopyIgnoredFile ExposeProtoCasing ExposeInvalidFormat"
).split()

DCLINT = (
    "no-build-and-image no-duplicate-container-names no-duplicate-exported-ports "
    "no-quotes-in-volumes no-unbound-port-interfaces no-version-field "
    "require-project-name-field require-quotes-in-ports service-container-name-regex "
    "service-dependencies-alphabetical-order service-image-require-explicit-tag "
    "service-keys-order service-ports-alphabetical-order services-alphabetical-order "
    "top-level-properties-order"
).split()

COMPOSE_LINT = [f"CL-{n:04d}" for n in range(1, 31) if n not in (12, 15, 23)]

# Checkov's Dockerfile checks that are the same check as one of ours. Not CKV_DOCKER_4 ("use
# COPY instead of ADD"): it reports every ADD, ours (DF555) only ADDs of plain local files.
CHECKOV = [f"CKV_DOCKER_{n}" for n in range(1, 12) if n != 4]

ALL = (*HADOLINT, *BUILDKIT, *DCLINT, *COMPOSE_LINT, *CHECKOV)
