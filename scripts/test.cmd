@echo off
rem Run the test suite (Windows twin of scripts/test): scripts\test.cmd [pytest args]
rem The .venv step is scripts\run.cmd's (XINFANG_VENV_ONLY=1); no system packages
rem are installed here. PostgreSQL tests skip unless XINFANG_PG_BIN points to
rem PostgreSQL's bin folder (e.g. C:\Program Files\PostgreSQL\16\bin), in which
rem case they must pass (XINFANG_REQUIRE_PG=1). One pytest-xdist worker per core
rem (XINFANG_TEST_WORKERS=N or -n N to choose). Exits with pytest's status.
setlocal EnableExtensions DisableDelayedExpansion
set "XINFANG_VENV_ONLY=1"
call "%~dp0run.cmd"
if errorlevel 1 exit /b 1
set "XINFANG_VENV_ONLY="
cd /d "%~dp0.." || exit /b 1
set "QT_QPA_PLATFORM=offscreen"
if defined XINFANG_PG_BIN set "XINFANG_REQUIRE_PG=1"
if not defined XINFANG_TEST_WORKERS set "XINFANG_TEST_WORKERS=auto"
"%CD%\.venv\Scripts\python.exe" -m pytest -n %XINFANG_TEST_WORKERS% --dist loadfile %*
exit /b %ERRORLEVEL%
