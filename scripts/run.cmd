@echo off
rem Start xinfang-desk from a source checkout (Windows twin of scripts/run).
rem First run, or after requirements.lock / pyproject.toml changed: creates .venv
rem and installs the pinned dependencies and then the project (editable, no
rem deps); the sha256 of both files is kept in .venv\.xinfang-stamp, so later
rem runs start at once and need no network. Arguments go to the xinfang program.
rem Python: the XINFANG_PYTHON variable if set, else "py -3.11", else "python" (3.11 or newer).
rem scripts\test.cmd reuses the venv step: with XINFANG_VENV_ONLY=1 this script
rem stops after it.
setlocal EnableExtensions DisableDelayedExpansion
cd /d "%~dp0.." || exit /b 1
set "VENV=%CD%\.venv"
set "VPY=%CD%\.venv\Scripts\python.exe"
set "STAMP=%CD%\.venv\.xinfang-stamp"
set "STAMPPY=import hashlib,os,sys;m,p=sys.argv[1:3];s=''.join(hashlib.sha256(open(f,'rb').read()).hexdigest()+'  '+f+'\n' for f in ('requirements.lock','pyproject.toml'));o=open(p).read() if os.path.exists(p) else None;sys.exit(0 if o==s else 1) if m=='check' else open(p,'w').write(s)"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "PIP_NO_INPUT=1"

if not exist "%VPY%" goto :make_venv
"%VPY%" -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && goto :venv_ok
echo xinfang: .venv is broken or older than Python 3.11; recreating it 1>&2
rmdir /s /q "%VENV%"

:make_venv
call :find_python || exit /b 1
echo xinfang: creating .venv with %XPY% 1>&2
%XPY% -m venv "%VENV%" 1>&2 && goto :venv_ok
if exist "%VENV%" rmdir /s /q "%VENV%"
echo xinfang: error: "%XPY% -m venv" failed 1>&2
exit /b 1

:venv_ok
"%VPY%" -c "%STAMPPY%" check "%STAMP%" && goto :installed
if exist "%STAMP%" del /q "%STAMP%"
echo xinfang: installing requirements.lock into .venv 1>&2
"%VPY%" -m pip install --progress-bar off -r requirements.lock 1>&2 || goto :pip_failed
echo xinfang: installing xinfang-desk itself (editable, --no-deps) 1>&2
"%VPY%" -m pip install --progress-bar off --no-deps -e . 1>&2 || goto :pip_failed
"%VPY%" -c "%STAMPPY%" write "%STAMP%" || exit /b 1
echo xinfang: .venv is up to date 1>&2

:installed
if "%XINFANG_VENV_ONLY%"=="1" exit /b 0
"%VENV%\Scripts\xinfang.exe" %*
exit /b %ERRORLEVEL%

:pip_failed
echo xinfang: error: pip could not install requirements.lock or the project 1>&2
exit /b 1

rem Sets XPY to a command running Python 3.11 or newer, or explains and fails.
:find_python
if not defined XINFANG_PYTHON goto :try_launcher
set XPY="%XINFANG_PYTHON%"
%XPY% -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && exit /b 0
echo xinfang: error: XINFANG_PYTHON=%XINFANG_PYTHON% is not Python 3.11 or newer 1>&2
exit /b 1
:try_launcher
set "XPY=py -3.11"
py -3.11 -c "import sys" >nul 2>&1 && exit /b 0
set "XPY=python"
python -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && exit /b 0
echo xinfang: error: xinfang-desk needs Python 3.11 or newer to create .venv. 1>&2
where python >nul 2>&1 && for /f "delims=" %%V in ('python -V 2^>^&1') do echo   "python" on PATH is %%V 1>&2
echo   Neither "py -3.11" nor "python" gave Python 3.11 or newer. Install Python 3.11 1>&2
echo   from python.org (with the py launcher), or set XINFANG_PYTHON to the full path 1>&2
echo   of a python.exe of version 3.11 or newer. 1>&2
exit /b 1
