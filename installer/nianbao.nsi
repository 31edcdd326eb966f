; NSIS script of the 年报助手 Setup.exe: per-user install (no administrator rights), Simplified
; Chinese, Start-menu and desktop shortcuts, the .nianbao file type, an uninstaller that leaves the
; user's drafts alone, silent mode with /S (and /D=folder to choose the folder).
;
; Built by installer/build.sh (makensis runs natively on Linux):
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVIVERSION=0.1.0.0 -DSRCDIR=dist/windows/nianbao
;            -DOUTFILE=dist/nianbao-0.1.0-setup.exe -DICON=resources/icons/nianbao.ico installer/nianbao.nsi

Unicode true
!ifdef X86_STUB
  ; The official Windows build of NSIS ships no amd64 stubs (hosted Windows CI passes /DX86_STUB):
  ; a 32-bit installer also installs the 64-bit program, only wine64 (no wine32) cannot run it.
!else
  Target amd64-unicode          ; a 64-bit installer: the program is 64-bit, and wine64 runs it
!endif
SetCompressor /SOLID lzma
SetCompressorDictSize 64
RequestExecutionLevel user      ; no UAC prompt: locked-down office PCs deny administrator rights
ManifestDPIAware true

!ifndef VERSION
  !error "define VERSION on the makensis command line (see installer/build.sh)"
!endif
!ifndef VIVERSION
  !error "define VIVERSION on the makensis command line (see installer/build.sh)"
!endif
!ifndef SRCDIR
  !error "define SRCDIR on the makensis command line (see installer/build.sh)"
!endif
!ifndef OUTFILE
  !error "define OUTFILE on the makensis command line (see installer/build.sh)"
!endif
!ifndef ICON
  !error "define ICON on the makensis command line (see installer/build.sh)"
!endif

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh

!define PRODUCT "年报助手"
!define EXE "nianbao.exe"
!define PUBLISHER "年报助手项目"
!define PROGID "Nianbao.Draft"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Nianbao"
!define SHCNE_ASSOCCHANGED 0x08000000

Name "${PRODUCT}"
Caption "${PRODUCT} ${VERSION} 安装"
UninstallCaption "${PRODUCT} 卸载"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
ShowInstDetails hide
ShowUninstDetails hide

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装${PRODUCT}"
!define MUI_WELCOMEPAGE_TEXT "${PRODUCT}用于填报、检查、保存、打印和发布政府信息公开工作年度报告。$\r$\n$\r$\n本程序只为当前用户安装，不需要管理员权限，也不需要联网。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "现在启动${PRODUCT}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从电脑上删除${PRODUCT}程序。您保存的年报草稿（“文档\${PRODUCT}”等文件夹中的 .nianbao 文件）不会被删除。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "MIT 许可证"

Section "${PRODUCT}" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An update replaces the program folder of the previous version; nothing else in $INSTDIR is touched.
  RMDir /r "$INSTDIR\_internal"
  File "${SRCDIR}\${EXE}"
  File /r "${SRCDIR}\_internal"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${PRODUCT}"
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${PRODUCT}"

  ; The .nianbao draft type, for this user only (HKCU\Software\Classes needs no rights).
  WriteRegStr HKCU "Software\Classes\.nianbao" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\.nianbao" "Content Type" "application/x-nianbao"
  WriteRegStr HKCU "Software\Classes\.nianbao\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "${PRODUCT}草稿"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "FriendlyTypeName" "${PRODUCT}草稿"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}" "FriendlyAppName" "${PRODUCT}"
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\SupportedTypes" ".nianbao" ""
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i 0, p 0, p 0)'

  ; Entry in Settings → Apps (“应用和功能”) for this user.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"

  ; Only what the installer put there: drafts live in the user's documents and are never touched,
  ; and a folder the user chose is removed only if nothing else is left in it.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ReadRegStr $0 HKCU "Software\Classes\.nianbao" ""
  ${If} $0 == "${PROGID}"
    DeleteRegValue HKCU "Software\Classes\.nianbao" ""
    DeleteRegValue HKCU "Software\Classes\.nianbao" "Content Type"
  ${EndIf}
  DeleteRegValue HKCU "Software\Classes\.nianbao\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\.nianbao\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\.nianbao"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\${EXE}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i 0, p 0, p 0)'
SectionEnd
