/*
 * A stand-in for mscms.dll (Windows colour management), for running Qt under Wine 8 only.
 *
 * Qt's `windows` platform plugin imports WcsCreateIccProfile, which Wine 8's mscms lacks. Each
 * function here reports failure, so Qt assumes an sRGB screen. Loaded only with
 * WINEDLLOVERRIDES=mscms=n from a Wine prefix's system32; never part of the installed program.
 */
#include <windows.h>

#define STUB_EXPORT __declspec(dllexport)

STUB_EXPORT HANDLE WINAPI OpenColorProfileW(void *profile, DWORD access, DWORD share, DWORD creation)
{
    (void)profile; (void)access; (void)share; (void)creation;
    SetLastError(ERROR_NOT_SUPPORTED);
    return NULL;
}

STUB_EXPORT BOOL WINAPI CloseColorProfile(HANDLE profile)
{
    (void)profile;
    return FALSE;
}

STUB_EXPORT BOOL WINAPI GetColorProfileFromHandle(HANDLE profile, BYTE *buffer, DWORD *size)
{
    (void)profile; (void)buffer; (void)size;
    SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
}

STUB_EXPORT HANDLE WINAPI WcsCreateIccProfile(HANDLE profile, DWORD options)
{
    (void)profile; (void)options;
    SetLastError(ERROR_NOT_SUPPORTED);
    return NULL;
}
