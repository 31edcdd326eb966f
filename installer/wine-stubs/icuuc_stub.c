/*
 * A stand-in for Windows' own icuuc.dll, for running Qt under Wine 8 only.
 *
 * Qt6Core.dll imports ucnv_* converters from the system ICU that Windows 10 1903+ ships but Wine 8
 * lacks, so QtCore fails to load under Wine. Every converter here fails to open (sets an ICU error
 * code and returns NULL); Qt then falls back to its built-in UTF-8/UTF-16/Latin-1 codecs.
 * This DLL is copied into a Wine prefix's system32 by installer/build.sh and installer/smoke.sh.
 * It is never part of the program that users install: real Windows has the real icuuc.dll.
 */
#include <stddef.h>
#include <stdint.h>

#define STUB_EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4 /* any UErrorCode > 0 means failure */
#define U_UNSUPPORTED_ERROR 16

typedef int UErrorCode;
typedef uint16_t UChar;

static void fail(UErrorCode *err, UErrorCode code)
{
    if (err != NULL && *err <= 0)
        *err = code;
}

STUB_EXPORT void *ucnv_open(const char *name, UErrorCode *err)
{
    (void)name;
    fail(err, U_FILE_ACCESS_ERROR);
    return NULL;
}

STUB_EXPORT void ucnv_close(void *conv) { (void)conv; }
STUB_EXPORT void ucnv_reset(void *conv) { (void)conv; }
STUB_EXPORT int8_t ucnv_getMaxCharSize(const void *conv) { (void)conv; return 4; }

STUB_EXPORT const char *ucnv_getName(const void *conv, UErrorCode *err)
{
    (void)conv;
    fail(err, U_UNSUPPORTED_ERROR);
    return NULL;
}

STUB_EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{
    (void)name; (void)standard;
    fail(err, U_UNSUPPORTED_ERROR);
    return NULL;
}

STUB_EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
STUB_EXPORT int32_t ucnv_countAvailable(void) { return 0; }

STUB_EXPORT void ucnv_getToUCallBack(const void *conv, void **action, const void **context)
{
    (void)conv;
    if (action) *action = NULL;
    if (context) *context = NULL;
}

STUB_EXPORT void ucnv_getFromUCallBack(const void *conv, void **action, const void **context)
{
    (void)conv;
    if (action) *action = NULL;
    if (context) *context = NULL;
}

STUB_EXPORT void ucnv_setToUCallBack(void *conv, void *action, const void *context,
                                     void **old_action, const void **old_context, UErrorCode *err)
{
    (void)conv; (void)action; (void)context; (void)old_action; (void)old_context;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_setFromUCallBack(void *conv, void *action, const void *context,
                                       void **old_action, const void **old_context, UErrorCode *err)
{
    (void)conv; (void)action; (void)context; (void)old_action; (void)old_context;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *source, int32_t length,
                                       int32_t offset, UErrorCode *err)
{
    (void)args; (void)source; (void)length; (void)offset;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_cbFromUWriteBytes(void *args, const char *source, int32_t length,
                                        int32_t offset, UErrorCode *err)
{
    (void)args; (void)source; (void)length; (void)offset;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **source, const UChar *limit,
                                         int32_t offset, UErrorCode *err)
{
    (void)args; (void)source; (void)limit; (void)offset;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_toUnicode(void *conv, UChar **target, const UChar *target_limit,
                                const char **source, const char *source_limit, int32_t *offsets,
                                int8_t flush, UErrorCode *err)
{
    (void)conv; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void ucnv_fromUnicode(void *conv, char **target, const char *target_limit,
                                  const UChar **source, const UChar *source_limit, int32_t *offsets,
                                  int8_t flush, UErrorCode *err)
{
    (void)conv; (void)target; (void)target_limit; (void)source; (void)source_limit;
    (void)offsets; (void)flush;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT int32_t ucnv_toUCountPending(const void *conv, UErrorCode *err)
{
    (void)conv;
    fail(err, U_UNSUPPORTED_ERROR);
    return 0;
}

STUB_EXPORT int32_t ucnv_fromUCountPending(const void *conv, UErrorCode *err)
{
    (void)conv;
    fail(err, U_UNSUPPORTED_ERROR);
    return 0;
}

/* ICU's stock callbacks, exported as functions; they are never reached since nothing opens. */
STUB_EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *context, void *args,
                                                 const UChar *units, int32_t length,
                                                 int32_t code_point, int reason, UErrorCode *err)
{
    (void)context; (void)args; (void)units; (void)length; (void)code_point; (void)reason;
    fail(err, U_UNSUPPORTED_ERROR);
}

STUB_EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *context, void *args,
                                               const char *code_units, int32_t length,
                                               int reason, UErrorCode *err)
{
    (void)context; (void)args; (void)code_units; (void)length; (void)reason;
    fail(err, U_UNSUPPORTED_ERROR);
}
