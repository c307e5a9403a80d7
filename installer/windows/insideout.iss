; InsideOut for Windows: a per-machine installer (Inno Setup 6.3 or later).
;
; Built by `python installer\build.py` after PyInstaller has made dist\InsideOut; it runs
;   ISCC /DAppVersion=<pyproject.toml version> /DDistDir=<checkout>\dist /O<dist> ...
; so the version has exactly one source. Silent install with the sync server set:
;   InsideOut-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /SERVERURL=https://sync.example.org
; Silent uninstall that also wipes every Windows user's InsideOut data (docs/INSTALL.md):
;   "C:\Program Files\InsideOut\unins000.exe" /VERYSILENT /WIPEDATA

#ifndef AppVersion
  #error AppVersion is not defined: build with installer/build.py, which reads pyproject.toml
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6F1C2B9E-3D0A-4E57-9B8C-2A7D4F1E0C35}
AppName=InsideOut
AppVersion={#AppVersion}
AppVerName=InsideOut {#AppVersion}
AppPublisher=InsideOut
DefaultDirName={autopf}\InsideOut
DefaultGroupName=InsideOut
DisableProgramGroupPage=yes
; Per machine: program files under Program Files, writable only by administrators, so
; a worker cannot swap the executable or IT's insideout-defaults.json.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#DistDir}
OutputBaseFilename=InsideOut-{#AppVersion}-setup
SetupIconFile={#DistDir}\InsideOut\insideout.ico
UninstallDisplayIcon={app}\InsideOut.exe
UninstallDisplayName=InsideOut {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An open InsideOut holds its DLLs; ask Windows' Restart Manager to close it first.
CloseApplications=yes

[Files]
; The whole one-folder app: InsideOut.exe, insideout-cli.exe, _internal\ and the icons.
Source: "{#DistDir}\InsideOut\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\InsideOut"; Filename: "{app}\InsideOut.exe"; IconFilename: "{app}\insideout.ico"; Comment: "Encrypted case records for custody and prison drug work"

[UninstallDelete]
; Written by [Code] below, so not in [Files]; the per-user data folders stay (see /WIPEDATA).
Type: files; Name: "{app}\insideout-defaults.json"

[Code]
const
  DefaultsFile = 'insideout-defaults.json';
  ProfileListKey = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList';

var
  ServerPage: TInputQueryWizardPage;

procedure InitializeWizard();
begin
  ServerPage := CreateInputQueryPage(wpSelectDir, 'Sync server',
    'Where is your organisation''s InsideOut server?',
    'Type the address IT was given, for example https://insideout.example.org. ' +
    'Leave it empty for a standalone laptop, or to keep the address already set.');
  ServerPage.Add('Server address:', False);
  { /SERVERURL= on the command line fills the page, and is all a silent install uses. }
  ServerPage.Values[0] := ExpandConstant('{param:SERVERURL|}');
end;

{ Laptops send passwords and keys to this address: https://, or plain http:// only to this
  machine (127.x.x.x, localhost, [::1]). The app refuses anything else, so refuse it here
  too, where IT can still fix it. Also called for /SERVERURL= in a silent install, which then
  stops before installing anything. }
function IsDottedNumbers(const S: String): Boolean;
var
  I: Integer;
begin
  Result := Length(S) > 0;
  for I := 1 to Length(S) do
    if Pos(S[I], '0123456789.') = 0 then
      Result := False;
end;

function UrlHost(const Rest: String): String;
var
  Cut: Integer;
begin
  Result := Rest;
  Cut := Pos('/', Result);
  if Cut > 0 then
    Result := Copy(Result, 1, Cut - 1);
  if Pos('[', Result) = 1 then
  begin
    Cut := Pos(']', Result);
    if Cut > 0 then
      Result := Copy(Result, 1, Cut);
    Exit;
  end;
  Cut := Pos(':', Result);
  if Cut > 0 then
    Result := Copy(Result, 1, Cut - 1);
end;

function IsSecureUrl(const Value: String): Boolean;
var
  Url, Host: String;
begin
  Url := Lowercase(Value);
  Result := False;
  if Pos('https://', Url) = 1 then
  begin
    Result := Length(Url) > 8;
    Exit;
  end;
  if Pos('http://', Url) <> 1 then
    Exit;
  Host := UrlHost(Copy(Url, 8, Length(Url)));
  Result := (Host = 'localhost') or (Host = '[::1]') or
    ((Pos('127.', Host) = 1) and IsDottedNumbers(Host));
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = ServerPage.ID) and (Trim(ServerPage.Values[0]) <> '') and
     not IsSecureUrl(Trim(ServerPage.Values[0])) then
  begin
    SuppressibleMsgBox('The server address must start with https://. Plain http:// would ' +
      'send passwords and keys across the network unencrypted. Ask IT for the https:// ' +
      'address.', mbError, MB_OK, IDOK);
    Result := False;
  end;
end;

function JsonString(const Value: String): String;
begin
  Result := Value;
  StringChangeEx(Result, '\', '\\', True);
  StringChangeEx(Result, '"', '\"', True);
  Result := '"' + Result + '"';
end;

procedure WriteInstallDefaults();
var
  Url, Target: String;
begin
  Url := Trim(ServerPage.Values[0]);
  { Empty: an upgrade without /SERVERURL keeps the file an earlier install wrote. }
  if Url = '' then
    Exit;
  Target := ExpandConstant('{app}\' + DefaultsFile);
  if not SaveStringToFile(Target, '{"server_url": ' + JsonString(Url) + '}' + #13#10, False) then
    RaiseException('Could not write ' + Target);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    WriteInstallDefaults();
end;

function UninstallFlagGiven(const Flag: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Flag) = 0 then
      Result := True;
end;

{ Each Windows account keeps its own %LOCALAPPDATA%\InsideOut, so wiping a laptop means
  visiting every profile Windows knows, not just the administrator running this. }
procedure WipeEveryUsersData();
var
  Profiles: TArrayOfString;
  I: Integer;
  ProfileDir: String;
begin
  if not RegGetSubkeyNames(HKLM, ProfileListKey, Profiles) then
    Exit;
  for I := 0 to GetArrayLength(Profiles) - 1 do
    if RegQueryStringValue(HKLM, ProfileListKey + '\' + Profiles[I], 'ProfileImagePath',
      ProfileDir) then
    begin
      StringChangeEx(ProfileDir, '%SystemDrive%', ExpandConstant('{sd}'), True);
      DelTree(ProfileDir + '\AppData\Local\InsideOut', True, True, True);
    end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and UninstallFlagGiven('/WIPEDATA') then
    WipeEveryUsersData();
end;
