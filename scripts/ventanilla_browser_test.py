"""La ventanilla in a real browser (headless Chromium through Selenium) against real processes.

A central server and the nodes of C4, DIF and BOMBEROS, each serving its ventanilla on loopback,
with the EC0539 roster imported and one servant account per node linked to her certificate. With
the central server down, a C4 servant searches, opens a case (a form refused once and sent back as
typed) and refers it to DIF; the banner says the node is offline. The central server returns and
the nodes sync; a DIF servant finds the referral in her inbox with C4's attention already there,
accepts it and records her own attention. The office desk shows both servants as authors. A
BOMBEROS servant cannot find the case. Signing out clears the browser.

Every page is looked at as the servant sees it, at 390 px and 1366 px (no horizontal overflow, no
field path or vocabulary code, no English), validated as HTML, and photographed
(docs/screenshots/ with `make screenshots`).

Usage: ventanilla_browser_test.py ENLACE_BINARY SCREENSHOT_DIR
"""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_common import Browser, check, failures, fetch

ROSTER = os.path.join(os.path.dirname(__file__), "..", "Sources", "EnlaceDemo", "Resources", "roster-ec0539.csv")
PASSWORD = "contraseña de la ventanilla"
# One servant per node, as the roster names her (her certificate links by her name).
SERVANTS = {
    "C4": ("Yolanda Morales Castro", "LEO-C4-1000"),
    "DIF": ("María Álvarez Cruz", "LEO-DIF-1004"),
    "BOMBEROS": ("Laura Vázquez Ruiz", "LEO-BOM-1002"),
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    binary, shots = sys.argv[1], sys.argv[2]
    folder = tempfile.mkdtemp(prefix="enlace-ventanilla-")
    processes = {}

    def run(*arguments, stdin=None):
        result = subprocess.run([binary, *arguments], input=stdin, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"enlace {' '.join(arguments[:3])}: {result.stderr}")
        return result.stdout

    def wait_for(url):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = fetch(url)
                if status:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"nothing answers at {url}")

    central_data = os.path.join(folder, "central")
    central_port = free_port()
    central_url = f"http://127.0.0.1:{central_port}"

    def start_central():
        processes["central"] = subprocess.Popen([binary, "central", "run", "--data", central_data, "--listen", f"127.0.0.1:{central_port}"],
                                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "central.log"), "a"))
        wait_for(central_url + "/v1/status")

    def stop(name):
        process = processes.pop(name)
        process.terminate()
        process.wait(timeout=30)

    run("central", "init", "--data", central_data)
    run("central", "user", "add", "--data", central_data, "--name", "coordinadora", "--role", "resolver", "--password-stdin",
        stdin="contraseña de la coordinadora\n")
    start_central()
    windows = {}
    for department in SERVANTS:
        node_id = department.lower() + "-01"
        data = os.path.join(folder, node_id)
        token = json.loads(run("central", "enroll", "--data", central_data, "--node-id", node_id, "--department", department, "--json"))["token"]
        run("node", "init", "--data", data, "--node-id", node_id, "--department", department, "--central", central_url, "--token", token)
        port = free_port()
        processes[department] = subprocess.Popen(
            [binary, "node", "run", "--data", data, "--sync-interval", "3600", "--sync-debounce", "1",
             "--ventanilla-listen", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, node_id + ".log"), "a"))
        windows[department] = (f"http://127.0.0.1:{port}", data)
        wait_for(windows[department][0] + "/ventanilla/entrar")
    # The roster, imported at C4 and received everywhere; each servant's account linked to her certificate.
    run("cert", "import", "--data", windows["C4"][1], "--author", "padron.immujeres", ROSTER)
    for department in ("C4", "DIF", "BOMBEROS"):
        run("sync", "--data", windows[department][1])
    for department, (name, servant_id) in SERVANTS.items():
        run("node", "user", "add", "--data", windows[department][1], "--name", name, "--servant-id", servant_id, "--role", "captura",
            "--certification", name, "--password-stdin", stdin=PASSWORD + "\n")
    listed = run("node", "user", "list", "--data", windows["C4"][1])
    check("EC0539 vigente" in listed, "`node user list` shows the servant's certificate as current")

    browser = Browser(binary, shots, "ventanilla")
    driver, look, submit = browser.driver, browser.look, browser.submit

    def sign_in(department):
        base = windows[department][0]
        driver.get(base + "/ventanilla/entrar")
        driver.find_element(By.ID, "servidor").send_keys(SERVANTS[department][1])
        driver.find_element(By.ID, "contrasena").send_keys(PASSWORD)
        submit(driver.find_element(By.CSS_SELECTOR, "form.tarjeta button[type=submit]"))
        check(driver.current_url.endswith("/ventanilla/casos"), f"the {department} servant signs in to Mis casos")
        return base

    def sign_out():
        submit(driver.find_element(By.CSS_SELECTOR, "form.salir button"))
        check("Sesión cerrada" in driver.page_source, "signing out says so")
        left = [c["name"] for c in driver.get_cookies() if c["name"] != "enlace_ventanilla_entrada"]
        check(not left, f"nothing of the session stays in the browser (only the sign-in form's token: {left or 'none else'})")

    try:
        # The network goes down: C4 keeps working.
        stop("central")
        c4 = windows["C4"][0]
        driver.get(c4 + "/ventanilla/casos")
        check(driver.current_url.endswith("/ventanilla/entrar"), "without a session the ventanilla sends the browser to sign in")
        look("entrar")
        base = sign_in("C4")
        header = driver.find_element(By.TAG_NAME, "header").text
        check("Yolanda Morales Castro" in header and "EC0539 vigente" in header, "the page names the servant and her current certificate")
        driver.get(c4 + "/ventanilla/buscar")
        driver.find_element(By.ID, "q").send_keys("Guadalupe Soto Ramírez")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        check("Nadie con esos datos" in driver.page_source, "a woman never seen is not found")
        check(driver.find_element(By.ID, "nombre").get_attribute("value") == "Guadalupe Soto Ramírez", "the form is pre-filled with her name")
        check("Guadalupe" not in driver.current_url, "her name is never in a URL")
        look("buscar", html=driver.page_source)
        # A form refused (the browser's own check removed): it comes back as typed.
        driver.find_element(By.ID, "telefono").send_keys("477 555 0199")
        driver.find_element(By.CSS_SELECTOR, "input[name=no_contactar]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=consentimiento][value=si]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=violencia][value=fisica]").click()
        Select(driver.find_element(By.ID, "riesgo")).select_by_value("alto")
        driver.find_element(By.ID, "nota").send_keys("Llega con lesiones; se le orienta y se llama a DIF.")
        driver.execute_script("document.getElementById('canal').removeAttribute('required')")
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/ventanilla/abrir'] button[type=submit]"))
        check("Falta «Canal de ingreso»" in driver.page_source, "a case without its channel is refused in the page, in Spanish")
        check(driver.find_element(By.ID, "telefono").get_attribute("value") == "477 555 0199"
              and driver.find_element(By.CSS_SELECTOR, "input[name=violencia][value=fisica]").is_selected(),
              "what she typed and chose is still there")
        look("abrir-revisar", html=driver.page_source)
        Select(driver.find_element(By.ID, "canal")).select_by_value("presencial")
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/ventanilla/abrir'] button[type=submit]"))
        check("/ventanilla/casos/" in driver.current_url, "the case opens with the network down")
        case_id = re.search(r"/ventanilla/casos/([0-9A-Z]+)", driver.current_url).group(1)
        folio = driver.find_element(By.TAG_NAME, "h1").text.removeprefix("Caso ").strip()
        check(folio.startswith("LEON-"), f"the case page is titled by its folio ({folio})")
        # A write is sent a second later; the round fails and the banner says so on the next page.
        deadline = time.time() + 20
        while True:
            banner = driver.find_element(By.CSS_SELECTOR, "p.sincronia").text
            if "Sin conexión" in banner or time.time() > deadline:
                break
            time.sleep(1)
            driver.refresh()
        check("Sin conexión" in banner and "esperan en este equipo" in banner, f"the banner says the node is offline and what waits ({banner})")
        body = driver.find_element(By.TAG_NAME, "main").text
        check(body.index("NO CONTACTARLA") < body.index("Lo que ya se sabe"), "her contact rule comes first")
        Select(driver.find_element(By.ID, "destino")).select_by_value("DIF")
        Select(driver.find_element(By.ID, "urgencia")).select_by_value("prioritaria")
        driver.find_element(By.ID, "motivo").send_keys("Apoyo y resguardo para ella y sus hijas.")
        submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/canalizar'] button"))
        check("Canalización a Sistema DIF" in driver.page_source and "Canalización registrada" in driver.page_source, "the referral to DIF is on her timeline")
        look("caso-c4")
        driver.get(c4 + "/ventanilla/casos")
        check(folio in driver.find_element(By.TAG_NAME, "main").text, "Mis casos lists the case")
        look("mis-casos")
        sign_out()

        # The network returns: C4 sends, DIF receives.
        start_central()
        run("sync", "--data", windows["C4"][1])
        run("sync", "--data", windows["DIF"][1])
        dif = sign_in("DIF")
        driver.get(dif + "/ventanilla/canalizaciones")
        inbox = driver.find_element(By.TAG_NAME, "main").text
        check(folio in inbox and "Guadalupe Soto Ramírez" in inbox and "1 atención registrada" in inbox and "Prioritaria" in inbox,
              "DIF's inbox shows the referral, how urgent, with C4's attention already there")
        look("canalizaciones")
        driver.get(dif + f"/ventanilla/casos/{case_id}")
        check("acéptala" in driver.page_source and not driver.find_elements(By.CSS_SELECTOR, "form[action$='/atencion']"),
              "before accepting, DIF reads the case but is asked to accept the referral before recording on it")
        driver.get(dif + "/ventanilla/canalizaciones")
        submit(driver.find_element(By.CSS_SELECTOR, "form input[value=aceptar] ~ button"))
        check("Respuesta guardada" in driver.page_source, "accepting the referral is saved")
        timeline = driver.find_element(By.CSS_SELECTOR, "ol.historia").text
        check("Yolanda Morales Castro" in timeline and "Primer contacto" in timeline, "the case shows C4's attention and who recorded it")
        Select(driver.find_element(By.ID, "tipo")).select_by_value("atencion_psicologica")
        driver.find_element(By.ID, "nota").send_keys("Primera sesión de contención; no tuvo que repetir su historia.")
        submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/atencion'] button"))
        timeline = driver.find_element(By.CSS_SELECTOR, "ol.historia").text
        check("María Álvarez Cruz" in timeline and "Yolanda Morales Castro" in timeline, "both servants' attentions are on the case")
        check(not driver.find_elements(By.CSS_SELECTOR, "form[action$='/concluir']"), "only the origin or the lead concludes the case")
        look("caso-dif")
        sign_out()
        run("sync", "--data", windows["DIF"][1])

        # The office desk shows both servants as the authors of their entries.
        driver.get(central_url + "/oficina/entrar")
        driver.find_element(By.ID, "nombre").send_keys("coordinadora")
        driver.find_element(By.ID, "contrasena").send_keys("contraseña de la coordinadora")
        submit(driver.find_element(By.CSS_SELECTOR, "form.tarjeta button[type=submit]"))
        driver.get(central_url + f"/oficina/casos/{case_id}")
        desk = driver.find_element(By.TAG_NAME, "main").text
        check("Yolanda Morales Castro" in desk and "María Álvarez Cruz" in desk, "the desk shows both servants as authors")
        # The whole page, down to its history where each entry names its author.
        tall = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1366, min(max(900, tall + 100), 4000))
        driver.save_screenshot(os.path.join(shots, "ventanilla-oficina-autoras-1366.png"))
        driver.set_window_size(1366, 900)

        # BOMBEROS does not hold the case: not by folio, not by name, not by its address.
        run("sync", "--data", windows["BOMBEROS"][1])
        bomberos = sign_in("BOMBEROS")
        driver.get(bomberos + "/ventanilla/buscar")
        driver.find_element(By.ID, "q").send_keys(folio)
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        check("Nadie con esos datos" in driver.page_source, "a BOMBEROS servant cannot find the case by its folio")
        driver.get(bomberos + "/ventanilla/buscar")
        driver.find_element(By.ID, "q").send_keys("Guadalupe Soto")
        submit(driver.find_element(By.CSS_SELECTOR, "form.filtros button"))
        check("Nadie con esos datos" in driver.page_source, "nor by her name")
        status = look("no-encontrado", bomberos + f"/ventanilla/casos/{case_id}")
        check(status == 404 and "no está en este equipo" in driver.page_source, f"nor at its address ({status})")

        # A page asked for by another name (DNS rebinding) gets nothing.
        connection = http.client.HTTPConnection("127.0.0.1", int(bomberos.rsplit(":", 1)[1]), timeout=30)
        connection.request("GET", "/ventanilla/entrar", headers={"Host": "ataque.example:" + bomberos.rsplit(":", 1)[1]})
        answer = connection.getresponse()
        check(answer.status == 421 and b"csrf" not in answer.read(), f"a request naming another Host is refused ({answer.status})")
        connection.close()
    finally:
        driver.quit()
        for name in list(processes):
            stop(name)

    browser.validate(folder)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"ventanilla browser test: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
