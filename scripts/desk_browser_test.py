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

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_common import Browser, check, failures, fetch, node_call


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

    browser = Browser(binary, shots, "oficina")
    driver, look, submit, cookie_header = browser.driver, browser.look, browser.submit, browser.cookie_header

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

    browser.validate(folder)
    shutil.rmtree(folder, ignore_errors=True)

    print(f"desk browser test: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
