; Inno Setup 6 script: the Windows installer of xinfang-desk (基层信访工作台).
;
; Build on a Windows PC after `py -3.11 build_scripts\build.py` has made dist\xinfang-desk\:
;     iscc build_scripts\installer.iss          -> dist\installer\xinfang-desk-<version>-setup.exe
; The version is read from the built xinfang-desk.exe (its version resource comes from pyproject.toml).
;
; Data: the program keeps its database and attachments in the user data folder
; %LOCALAPPDATA%\xinfang-desk (platformdirs' user data dir; `--data-dir` or XINFANG_DATA_DIR override
; it), never in the installation folder. This installer neither creates nor removes that folder:
; uninstalling removes only the program files, and installing a newer version over an older one
; replaces the program files and leaves the data to the program, which migrates (and backs up) the
; database the next time it starts. A per-machine install still keeps one data folder per Windows user.

#define AppName "基层信访工作台"
#define AppExe "xinfang-desk.exe"
#define DistDir AddBackslash(SourcePath) + "..\dist\xinfang-desk"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(DistDir + "\" + AppExe)
#endif

[Setup]
; Never change AppId: upgrades and the uninstaller find an earlier installation by it.
AppId={{5E0B1C52-7A8E-4C1B-9B0D-3F4A6C2D8E71}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=xinfang-desk
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\xinfang-desk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user by default (no administrator needed); the first page offers "for all users" as well.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; Qt 6 runs on 64-bit Windows 10/11 only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\resources\icons\xinfang.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename=xinfang-desk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running copy is closed before its files are replaced (upgrade) or removed (uninstall).
CloseApplications=yes
RestartApplications=no

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
; The Simplified Chinese messages are an unofficial translation: put ChineseSimplified.isl into
; Inno Setup's Languages folder (see the README) to get a Chinese installer.
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; The previous version's program files, so no stale module survives an upgrade. Only {app}: the
; user's data folder is elsewhere and is never touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Excludes: "BUILD-INPUTS"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
