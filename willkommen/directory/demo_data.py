"""About 40 local offers in Hannover for the demo, in a readable form.

The kinds of offers and the places are realistic (Hannover's districts, postal codes and
the typical providers); phone numbers, e-mail addresses and exact opening hours are demo
placeholders, not real contact data. German and English texts for every offer; Ukrainian
and Arabic for the housing and debt offers. Those were written by the developer without a
native speaker's review, so they carry the status "machine-translated" until a reviewer
checks them; the English texts are marked reviewed.

Each offer: ``reference`` (stable key), ``topics`` (slugs), ``languages`` (ISO 639),
``texts`` per language as ``(title, description)``, and the practical details.
``review_in_days`` sets the review date relative to the day of seeding (negative = stale).
"""

MON_FRI = "Mo–Fr 9–12 Uhr, Di und Do auch 14–17 Uhr"
MON_THU = "Mo–Do 9–15 Uhr, Fr 9–12 Uhr"
BY_APPOINTMENT = "Nach Terminvereinbarung"

OFFERS = [
    # --- Housing -------------------------------------------------------------------------
    {
        "reference": "mieterverein-hannover",
        "topics": ["housing"],
        "provider": "Mieterverein Hannover e. V.",
        "street": "Herrenstraße 14",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Mo–Fr 9–13 Uhr, Mo und Do 14–18 Uhr; Rechtsberatung nach Termin",
        "languages": ["de", "en", "tr"],
        "cost_kind": "paid",
        "cost_text": "Mitgliedsbeitrag, erste Orientierung kostenlos",
        "target_groups": "Mieterinnen und Mieter",
        "accessibility": "Aufzug vorhanden",
        "texts": {
            "de": (
                "Mieterverein: Beratung zu Mietvertrag und Nebenkosten",
                "Rechtsberatung für Mieterinnen und Mieter: Mietvertrag, Mieterhöhung, "
                "Nebenkostenabrechnung, Mängel in der Wohnung und Kündigung.",
            ),
            "en": (
                "Tenants' association: advice on tenancy and utility costs",
                "Legal advice for tenants: tenancy agreements, rent increases, utility bills, "
                "defects in the flat and notices to quit.",
            ),
            "uk": (
                "Спілка орендарів: консультації щодо договору оренди та комунальних витрат",
                "Юридичні консультації для орендарів: договір оренди, підвищення орендної "
                "плати, розрахунок комунальних витрат, недоліки квартири та розірвання "
                "договору.",
            ),
            "ar": (
                "جمعية المستأجرين: استشارات حول عقد الإيجار والتكاليف الإضافية",
                "استشارات قانونية للمستأجرين: عقد الإيجار ورفع الإيجار وفاتورة التكاليف "
                "الإضافية وعيوب الشقة وإنهاء العقد.",
            ),
        },
    },
    {
        "reference": "wohnungsvermittlung-stadt",
        "topics": ["housing", "forms"],
        "provider": "Landeshauptstadt Hannover, Fachbereich Soziales – Wohnraumversorgung",
        "street": "Hamburger Allee 25",
        "postal_code": "30161",
        "district": "Oststadt",
        "opening_hours": MON_FRI,
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Wohnungssuchende mit geringem Einkommen",
        "accessibility": "Barrierefreier Eingang, Aufzug",
        "texts": {
            "de": (
                "Wohnungssuche und Wohnberechtigungsschein",
                "Hilfe bei der Suche nach einer Sozialwohnung, Antrag auf einen "
                "Wohnberechtigungsschein (WBS) und Vermittlung in belegungsgebundene Wohnungen.",
            ),
            "en": (
                "Finding a flat and the housing entitlement certificate",
                "Help with finding social housing, applying for a housing entitlement "
                "certificate (WBS) and referral to subsidised flats.",
            ),
            "uk": (
                "Пошук житла та довідка про право на соціальне житло",
                "Допомога в пошуку соціальної квартири, заява на довідку про право на "
                "соціальне житло (WBS) і направлення до квартир із субсидованою орендою.",
            ),
            "ar": (
                "البحث عن سكن وشهادة استحقاق السكن",
                "المساعدة في البحث عن سكن اجتماعي وتقديم طلب شهادة استحقاق السكن (WBS) "
                "والتوجيه إلى الشقق المدعومة.",
            ),
        },
    },
    {
        "reference": "wohngeldstelle",
        "topics": ["housing", "forms"],
        "provider": "Landeshauptstadt Hannover, Wohngeldstelle",
        "street": "Hamburger Allee 25",
        "postal_code": "30161",
        "district": "Oststadt",
        "opening_hours": "Mo, Di, Do 8–12 Uhr und nach Termin",
        "languages": ["de"],
        "cost_kind": "free",
        "target_groups": "Haushalte mit geringem Einkommen, die Miete zahlen",
        "texts": {
            "de": (
                "Wohngeld beantragen",
                "Zuschuss zur Miete für Haushalte mit geringem Einkommen. Die Wohngeldstelle "
                "erklärt den Antrag und welche Nachweise nötig sind.",
            ),
            "en": (
                "Applying for housing benefit",
                "A subsidy towards the rent for households on a low income. The housing "
                "benefit office explains the application and which documents are needed.",
            ),
            "uk": (
                "Заява на житлову допомогу (Wohngeld)",
                "Доплата до орендної плати для домогосподарств із низьким доходом. Відділ "
                "житлової допомоги пояснює заяву та які документи потрібні.",
            ),
            "ar": (
                "تقديم طلب إعانة السكن (Wohngeld)",
                "دعم مالي للإيجار للأسر ذات الدخل المنخفض. يشرح مكتب إعانة السكن الطلب "
                "والمستندات المطلوبة.",
            ),
        },
    },
    {
        "reference": "zentrale-beratungsstelle-wohnungsnot",
        "topics": ["housing"],
        "provider": "Diakonisches Werk Hannover – Zentrale Beratungsstelle",
        "street": "Berliner Allee 8",
        "postal_code": "30175",
        "district": "Mitte",
        "opening_hours": "Mo–Fr 9–12 Uhr offene Sprechstunde",
        "languages": ["de", "en", "ru"],
        "cost_kind": "free",
        "target_groups": "Menschen ohne Wohnung oder mit drohendem Wohnungsverlust",
        "accessibility": "Ebenerdiger Zugang",
        "texts": {
            "de": (
                "Beratung bei Wohnungsnot und drohender Räumung",
                "Wenn die Kündigung oder Räumung droht oder Sie keine Wohnung haben: Beratung, "
                "Postadresse, Hilfe bei Mietschulden und bei der Suche nach einer Unterkunft.",
            ),
            "en": (
                "Advice when you are homeless or facing eviction",
                "If you face a notice to quit or eviction, or have no home: advice, a postal "
                "address, help with rent arrears and with finding accommodation.",
            ),
            "uk": (
                "Консультації у разі втрати житла або загрози виселення",
                "Якщо вам загрожує розірвання договору оренди чи виселення або у вас немає "
                "житла: консультації, поштова адреса, допомога з боргами за оренду та пошуком "
                "житла.",
            ),
            "ar": (
                "استشارات عند فقدان السكن أو التهديد بالإخلاء",
                "إذا كنت مهدداً بإنهاء عقد الإيجار أو الإخلاء أو ليس لديك سكن: استشارات، "
                "وعنوان بريدي، ومساعدة في ديون الإيجار وفي البحث عن مأوى.",
            ),
        },
    },
    {
        "reference": "fachstelle-wohnungssicherung",
        "topics": ["housing", "family"],
        "provider": "Region Hannover, Fachstelle zur Wohnraumsicherung",
        "street": "Podbielskistraße 168",
        "postal_code": "30177",
        "district": "List",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "tr", "ar"],
        "cost_kind": "free",
        "target_groups": "Familien und Einzelpersonen mit Mietschulden",
        "texts": {
            "de": (
                "Wohnung erhalten: Hilfe bei Mietschulden",
                "Die Fachstelle verhandelt mit Vermietern, prüft eine Übernahme von Mietschulden "
                "und hilft, den Verlust der Wohnung abzuwenden.",
            ),
            "en": (
                "Keeping your home: help with rent arrears",
                "The service negotiates with landlords, checks whether rent arrears can be "
                "covered and helps prevent the loss of your home.",
            ),
            "uk": (
                "Зберегти житло: допомога з боргами за оренду",
                "Служба веде переговори з орендодавцями, перевіряє можливість покриття боргів "
                "за оренду та допомагає запобігти втраті житла.",
            ),
            "ar": (
                "الحفاظ على السكن: المساعدة في ديون الإيجار",
                "تتفاوض الجهة مع المؤجرين، وتتحقق من إمكانية تغطية ديون الإيجار، وتساعد على "
                "تجنب فقدان السكن.",
            ),
        },
    },
    {
        "reference": "stromspar-check",
        "topics": ["housing"],
        "provider": "Caritasverband Hannover – Stromspar-Check",
        "street": "Leibnizufer 13",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "ar", "fa", "ru"],
        "cost_kind": "free",
        "target_groups": "Haushalte mit Bürgergeld, Wohngeld oder geringem Einkommen",
        "texts": {
            "de": (
                "Stromspar-Check: Energie und Nebenkosten sparen",
                "Geschulte Beraterinnen und Berater kommen nach Hause, zeigen, wie man Strom, "
                "Heizung und Wasser spart, und bringen kostenlose Sparartikel mit.",
            ),
            "en": (
                "Energy-saving check: cut your energy and utility costs",
                "Trained advisers visit your home, show how to save electricity, heating and "
                "water, and bring energy-saving items free of charge.",
            ),
            "uk": (
                "Перевірка енергозбереження: як заощадити на електриці та комунальних",
                "Підготовлені консультанти приходять додому, показують, як заощаджувати "
                "електроенергію, опалення і воду, та безкоштовно приносять енергоощадні речі.",
            ),
            "ar": (
                "فحص توفير الكهرباء: وفّر في الطاقة والتكاليف الإضافية",
                "يزورك مستشارون مدرَّبون في المنزل، ويُظهرون لك كيف توفّر الكهرباء والتدفئة "
                "والماء، ويحضرون أدوات توفير مجانية.",
            ),
        },
    },
    # --- Debt counselling ----------------------------------------------------------------
    {
        "reference": "schuldnerberatung-diakonie",
        "topics": ["forms", "housing", "family"],
        "provider": "Diakonisches Werk Hannover – Schuldnerberatung",
        "street": "Burgstraße 10",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Telefonische Sprechzeit Mo–Do 9–12 Uhr; Beratung nach Termin",
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Überschuldete Privatpersonen und Familien",
        "accessibility": "Aufzug vorhanden",
        "texts": {
            "de": (
                "Schuldnerberatung",
                "Überblick über Schulden, Gespräche mit Gläubigern, Pfändungsschutzkonto "
                "(P-Konto) und Begleitung in die Verbraucherinsolvenz.",
            ),
            "en": (
                "Debt counselling",
                "An overview of your debts, talks with creditors, the garnishment protection "
                "account (P-Konto) and support through consumer insolvency.",
            ),
            "uk": (
                "Консультації щодо боргів",
                "Огляд боргів, переговори з кредиторами, рахунок із захистом від стягнення "
                "(P-Konto) і супровід у процедурі банкрутства фізичної особи.",
            ),
            "ar": (
                "استشارات الديون",
                "نظرة شاملة على الديون، والتفاوض مع الدائنين، وحساب الحماية من الحجز "
                "(P-Konto)، والمرافقة في إجراءات إفلاس المستهلك.",
            ),
        },
    },
    {
        "reference": "schuldnerberatung-awo",
        "topics": ["forms", "family"],
        "provider": "AWO Region Hannover – Schuldner- und Insolvenzberatung",
        "street": "Deisterstraße 85",
        "postal_code": "30449",
        "district": "Linden-Süd",
        "opening_hours": "Offene Sprechstunde Mi 10–12 Uhr",
        "languages": ["de", "tr", "ar"],
        "cost_kind": "free",
        "target_groups": "Menschen mit Schulden, auch mit geringen Deutschkenntnissen",
        "texts": {
            "de": (
                "Schuldner- und Insolvenzberatung",
                "Hilfe bei Mahnungen, Inkassobriefen und Pfändungen, Haushaltsplan und "
                "Weg zur Restschuldbefreiung.",
            ),
            "en": (
                "Debt and insolvency counselling",
                "Help with reminders, debt collection letters and garnishments, a household "
                "budget, and the way to a discharge of residual debt.",
            ),
            "uk": (
                "Консультації щодо боргів і банкрутства",
                "Допомога з нагадуваннями про оплату, листами колекторів і стягненнями, "
                "планування бюджету та шлях до звільнення від залишку боргів.",
            ),
            "ar": (
                "استشارات الديون والإفلاس",
                "المساعدة في رسائل التذكير بالدفع ورسائل شركات التحصيل والحجوزات، ووضع "
                "ميزانية للأسرة، والطريق إلى الإعفاء من الديون المتبقية.",
            ),
        },
    },
    {
        "reference": "schuldnerpraevention-caritas",
        "topics": ["forms", "family", "education"],
        "provider": "Caritasverband Hannover – Schuldnerberatung",
        "street": "Leibnizufer 13",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "ru", "uk", "pl"],
        "cost_kind": "free",
        "target_groups": "Junge Erwachsene und Familien",
        "review_in_days": -20,
        "texts": {
            "de": (
                "Schuldnerberatung und Budgetberatung für Familien",
                "Wie man Verträge, Handy- und Stromkosten im Blick behält und Schulden "
                "vermeidet; Beratung, wenn Rechnungen nicht mehr bezahlt werden können.",
            ),
            "en": (
                "Debt and budget advice for families",
                "How to keep track of contracts, phone and electricity costs and avoid debt; "
                "advice when bills can no longer be paid.",
            ),
            "uk": (
                "Консультації щодо боргів і бюджету для сімей",
                "Як контролювати договори, витрати на телефон та електрику й уникати боргів; "
                "консультації, коли вже не вдається оплачувати рахунки.",
            ),
            "ar": (
                "استشارات الديون والميزانية للعائلات",
                "كيف تتابع العقود وتكاليف الهاتف والكهرباء وتتجنب الديون؛ واستشارات عندما لا "
                "تعود قادراً على دفع الفواتير.",
            ),
        },
    },
    # --- Applications, forms, migration counselling ----------------------------------------
    {
        "reference": "mbe-caritas",
        "topics": ["forms", "family", "work"],
        "provider": "Caritasverband Hannover – Migrationsberatung für Erwachsene (MBE)",
        "street": "Leibnizufer 13",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": MON_THU,
        "languages": ["de", "ar", "fa", "en", "fr"],
        "cost_kind": "free",
        "target_groups": "Zugewanderte ab 27 Jahren",
        "texts": {
            "de": (
                "Migrationsberatung für Erwachsene (MBE)",
                "Beratung zu Aufenthalt, Integrationskurs, Anträgen und Behördenbriefen, "
                "Familiennachzug und Arbeit – für Zugewanderte ab 27 Jahren.",
            ),
            "en": (
                "Migration counselling for adults (MBE)",
                "Advice on residence, the integration course, applications and letters from "
                "authorities, family reunification and work – for migrants aged 27 and over.",
            ),
        },
    },
    {
        "reference": "mbe-diakonie",
        "topics": ["forms", "work"],
        "provider": "Diakonisches Werk Hannover – Migrationsberatung",
        "street": "Burgstraße 10",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": MON_FRI,
        "languages": ["de", "ru", "uk", "ro", "bg"],
        "cost_kind": "free",
        "target_groups": "Zugewanderte Erwachsene, auch aus der EU",
        "texts": {
            "de": (
                "Migrationsberatung für Erwachsene – auch für EU-Bürgerinnen und -Bürger",
                "Hilfe bei Anträgen (Bürgergeld, Kindergeld, Krankenversicherung), beim "
                "Anmelden und bei Briefen von Behörden.",
            ),
            "en": (
                "Migration counselling for adults – also for EU citizens",
                "Help with applications (citizen's benefit, child benefit, health insurance), "
                "registering your address and letters from authorities.",
            ),
        },
    },
    {
        "reference": "jmd-awo",
        "topics": ["forms", "education", "work"],
        "provider": "AWO Region Hannover – Jugendmigrationsdienst (JMD)",
        "street": "Deisterstraße 85",
        "postal_code": "30449",
        "district": "Linden-Süd",
        "opening_hours": "Mo–Do 10–16 Uhr",
        "languages": ["de", "ar", "tr", "ku", "en"],
        "cost_kind": "free",
        "target_groups": "Junge Zugewanderte von 12 bis 27 Jahren",
        "texts": {
            "de": (
                "Jugendmigrationsdienst (JMD)",
                "Begleitung für junge Zugewanderte: Schule, Ausbildung, Studium, Anerkennung "
                "von Zeugnissen und Fragen zum Aufenthalt.",
            ),
            "en": (
                "Youth migration service (JMD)",
                "Support for young migrants: school, vocational training, university, "
                "recognition of certificates and residence questions.",
            ),
        },
    },
    {
        "reference": "fluechtlingssozialarbeit-kargah",
        "topics": ["forms", "family", "health"],
        "provider": "kargah e. V. – Flüchtlingssozialarbeit",
        "street": "Zur Bettfedernfabrik 1",
        "postal_code": "30451",
        "district": "Linden-Nord",
        "opening_hours": "Mo–Fr 10–13 Uhr offene Sprechstunde",
        "languages": ["de", "fa", "prs", "ar", "ckb", "en"],
        "cost_kind": "free",
        "target_groups": "Geflüchtete und Asylsuchende",
        "accessibility": "Erdgeschoss, Rampe am Eingang",
        "texts": {
            "de": (
                "Beratung für Geflüchtete",
                "Asylverfahren, Duldung, Unterbringung, Leistungen und Briefe von Behörden – "
                "Beratung in Farsi, Dari, Arabisch und Kurdisch.",
            ),
            "en": (
                "Counselling for refugees",
                "Asylum procedure, toleration status, accommodation, benefits and letters from "
                "authorities – counselling in Farsi, Dari, Arabic and Kurdish.",
            ),
        },
    },
    {
        "reference": "drk-migrationsberatung",
        "topics": ["forms", "family"],
        "provider": "DRK Region Hannover – Migrationsberatung und Suchdienst",
        "street": "Karlsruher Straße 2c",
        "postal_code": "30519",
        "district": "Döhren",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "ar", "ti", "so", "en"],
        "cost_kind": "free",
        "target_groups": "Zugewanderte und getrennte Familien",
        "texts": {
            "de": (
                "Migrationsberatung und Suchdienst",
                "Beratung zu Familienzusammenführung und Aufenthalt; der DRK-Suchdienst hilft, "
                "Angehörige zu finden, die durch Krieg oder Flucht getrennt wurden.",
            ),
            "en": (
                "Migration counselling and tracing service",
                "Advice on family reunification and residence; the Red Cross tracing service "
                "helps find relatives separated by war or flight.",
            ),
        },
    },
    {
        "reference": "landsmannschaft-beratung",
        "topics": ["forms", "family"],
        "provider": "Landsmannschaft der Deutschen aus Russland – Beratungsstelle",
        "street": "Königsworther Straße 2",
        "postal_code": "30167",
        "district": "Nordstadt",
        "opening_hours": "Di und Do 10–16 Uhr",
        "languages": ["de", "ru", "uk"],
        "cost_kind": "free",
        "target_groups": "Spätaussiedler und Zugewanderte aus Osteuropa",
        "texts": {
            "de": (
                "Beratung für Spätaussiedler und Zugewanderte aus Osteuropa",
                "Hilfe bei Anträgen, Rente, Anerkennung und im Alltag – auf Deutsch, Russisch "
                "und Ukrainisch.",
            ),
            "en": (
                "Counselling for ethnic German resettlers and newcomers from Eastern Europe",
                "Help with applications, pensions, recognition and everyday life – in German, "
                "Russian and Ukrainian.",
            ),
        },
    },
    # --- Education -----------------------------------------------------------------------
    {
        "reference": "integrationskurse-vhs",
        "topics": ["education"],
        "provider": "Volkshochschule Hannover",
        "street": "Burgstraße 14",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Anmeldung Mo–Do 9–17 Uhr, Fr 9–13 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "reduced",
        "cost_text": "Mit Berechtigung des BAMF kostenlos oder 2,29 € je Unterrichtsstunde",
        "target_groups": "Erwachsene Zugewanderte",
        "accessibility": "Barrierefreies Gebäude",
        "texts": {
            "de": (
                "Integrationskurse und Deutschkurse",
                "Deutsch von A1 bis B1 mit Orientierungskurs, auch als Eltern-, Frauen- und "
                "Alphabetisierungskurs. Einstufungstest vor Kursbeginn.",
            ),
            "en": (
                "Integration courses and German courses",
                "German from A1 to B1 with an orientation course, also as courses for parents, "
                "for women and for literacy. A placement test before the course starts.",
            ),
        },
    },
    {
        "reference": "berufssprachkurse",
        "topics": ["education", "work"],
        "provider": "Volkshochschule Hannover – Berufsbezogene Deutschsprachförderung",
        "street": "Burgstraße 14",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Beratung Di 14–17 Uhr",
        "languages": ["de"],
        "cost_kind": "free",
        "cost_text": "Für Arbeitsuchende kostenlos",
        "target_groups": "Zugewanderte mit Deutsch ab B1",
        "texts": {
            "de": (
                "Berufssprachkurse (Deutsch für den Beruf)",
                "Deutsch für Arbeit und Ausbildung von B1 bis C1, auch mit Fachsprache für "
                "Pflege, Handel und Technik.",
            ),
            "en": (
                "Job-related German courses",
                "German for work and training from B1 to C1, also with specialist language for "
                "care, retail and technical jobs.",
            ),
        },
    },
    {
        "reference": "kita-servicebuero",
        "topics": ["education", "family"],
        "provider": "Landeshauptstadt Hannover – Kita-Servicebüro",
        "street": "Joachimstraße 8",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Mo–Fr 9–12 Uhr, Do 14–17 Uhr",
        "languages": ["de", "en", "tr"],
        "cost_kind": "free",
        "target_groups": "Eltern von Kindern bis sechs Jahre",
        "texts": {
            "de": (
                "Kita-Platz finden: Beratung im Kita-Servicebüro",
                "Wie man sein Kind für Krippe, Kita oder Tagespflege anmeldet, welche "
                "Einrichtungen Plätze haben und welche Kosten entstehen.",
            ),
            "en": (
                "Finding a day-care place: the day-care service office",
                "How to register your child for nursery, day care or a childminder, which "
                "places are free and what it costs.",
            ),
        },
    },
    {
        "reference": "schulanmeldung-beratung",
        "topics": ["education", "family"],
        "provider": "Regionales Landesamt für Schule und Bildung Hannover – Sprachlernberatung",
        "street": "Am Waterlooplatz 11",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "ar", "uk", "en"],
        "cost_kind": "free",
        "target_groups": "Neu zugewanderte Schulkinder und ihre Eltern",
        "texts": {
            "de": (
                "Schulplatz und Sprachlernklassen für neu zugewanderte Kinder",
                "Beratung zur Schulanmeldung, zu Sprachlernklassen und zur passenden Schulform "
                "für Kinder und Jugendliche, die neu in Deutschland sind.",
            ),
            "en": (
                "School places and language classes for newly arrived children",
                "Advice on registering at school, language learning classes and the right type "
                "of school for children and young people new to Germany.",
            ),
        },
    },
    {
        "reference": "elternlotsen",
        "topics": ["education", "family"],
        "provider": "Stadtteilzentrum Sahlkamp – Elternlotsen",
        "street": "Elmstraße 15",
        "postal_code": "30179",
        "district": "Sahlkamp",
        "opening_hours": "Mi 15–17 Uhr und nach Absprache",
        "languages": ["de", "ar", "tr", "ku", "ru"],
        "cost_kind": "free",
        "target_groups": "Eltern mit Kindern in Kita und Schule",
        "texts": {
            "de": (
                "Elternlotsen: Begleitung zu Kita und Schule",
                "Ehrenamtliche Elternlotsen erklären das Schulsystem, begleiten zu "
                "Elternabenden und helfen beim Gespräch mit Lehrkräften.",
            ),
            "en": (
                "Parent guides: help with day care and school",
                "Volunteer parent guides explain the school system, go with you to parents' "
                "evenings and help in talks with teachers.",
            ),
        },
    },
    {
        "reference": "hausaufgabenhilfe-linden",
        "topics": ["education", "leisure"],
        "provider": "Freizeitheim Linden",
        "street": "Windheimstraße 4",
        "postal_code": "30451",
        "district": "Linden-Nord",
        "opening_hours": "Mo–Do 14–16:30 Uhr in der Schulzeit",
        "languages": ["de", "ar", "tr"],
        "cost_kind": "free",
        "target_groups": "Schulkinder der Klassen 1 bis 7",
        "texts": {
            "de": (
                "Hausaufgabenhilfe",
                "Betreute Hausaufgabenhilfe und Lernförderung am Nachmittag, ohne Anmeldung.",
            ),
            "en": (
                "Homework help",
                "Supervised homework help and learning support in the afternoon, no "
                "registration needed.",
            ),
        },
    },
    {
        "reference": "anerkennungsberatung",
        "topics": ["work", "education"],
        "provider": "IQ Netzwerk Niedersachsen – Anerkennungsberatung",
        "street": "Goseriede 4",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "en", "ar", "fa", "ru", "uk"],
        "cost_kind": "free",
        "target_groups": "Menschen mit einem Berufs- oder Studienabschluss aus dem Ausland",
        "texts": {
            "de": (
                "Anerkennung ausländischer Berufsabschlüsse",
                "Welche Stelle ist zuständig, welche Unterlagen braucht es, was kostet es – "
                "und welche Anpassungsqualifizierung hilft weiter.",
            ),
            "en": (
                "Recognition of foreign qualifications",
                "Which authority is responsible, which documents are needed, what it costs – "
                "and which bridging qualification helps.",
            ),
        },
    },
    # --- Work ----------------------------------------------------------------------------
    {
        "reference": "jobcenter-mitte",
        "topics": ["work", "forms"],
        "provider": "Jobcenter Region Hannover – Standort Mitte",
        "street": "Vahrenwalder Straße 245",
        "postal_code": "30179",
        "district": "Vahrenwald",
        "opening_hours": "Mo–Mi und Fr 8–12:30 Uhr, Do 8–18 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Menschen, die Bürgergeld beziehen oder beantragen",
        "accessibility": "Barrierefrei, Aufzug, behindertengerechtes WC",
        "texts": {
            "de": (
                "Jobcenter: Bürgergeld und Arbeitsvermittlung",
                "Antrag auf Bürgergeld, Kosten der Unterkunft, Vermittlung in Arbeit, "
                "Sprachkurse und Weiterbildung.",
            ),
            "en": (
                "Job centre: citizen's benefit and job placement",
                "Applying for citizen's benefit, housing costs, job placement, language "
                "courses and further training.",
            ),
        },
    },
    {
        "reference": "agentur-fuer-arbeit",
        "topics": ["work"],
        "provider": "Agentur für Arbeit Hannover",
        "street": "Brühlstraße 4",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": "Mo–Fr 7:30–12:30 Uhr, Do bis 18 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Arbeitsuchende und Menschen vor der Berufswahl",
        "texts": {
            "de": (
                "Berufsberatung und Arbeitsvermittlung",
                "Berufsberatung, Ausbildungsplätze, Arbeitslosengeld und Arbeitsvermittlung "
                "für alle, die kein Bürgergeld beziehen.",
            ),
            "en": (
                "Careers advice and job placement",
                "Careers advice, apprenticeships, unemployment benefit and job placement for "
                "everyone who does not receive citizen's benefit.",
            ),
        },
    },
    {
        "reference": "welcome-center-region",
        "topics": ["work", "forms"],
        "provider": "Welcome Center Region Hannover",
        "street": "Hildesheimer Straße 18",
        "postal_code": "30169",
        "district": "Südstadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "en", "es"],
        "cost_kind": "free",
        "target_groups": "Internationale Fachkräfte und ihre Familien",
        "texts": {
            "de": (
                "Welcome Center für internationale Fachkräfte",
                "Erste Anlaufstelle für Fachkräfte aus dem Ausland: Arbeitsmarkt, "
                "Aufenthaltstitel, Wohnungssuche und Ankommen der Familie.",
            ),
            "en": (
                "Welcome Center for international professionals",
                "The first point of contact for professionals from abroad: the job market, "
                "residence permits, finding a flat and settling in with your family.",
            ),
        },
    },
    {
        "reference": "faire-integration",
        "topics": ["work"],
        "provider": "Faire Integration – Beratungsstelle Hannover",
        "street": "Otto-Brenner-Straße 1",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Di 10–13 Uhr, Do 14–17 Uhr",
        "languages": ["de", "ar", "fa", "en", "ro", "bg"],
        "cost_kind": "free",
        "target_groups": "Geflüchtete und Zugewanderte in Arbeit",
        "texts": {
            "de": (
                "Faire Integration: Rechte am Arbeitsplatz",
                "Beratung zu Arbeitsvertrag, Lohn, Arbeitszeit, Urlaub und Kündigung – "
                "vertraulich und unabhängig vom Arbeitgeber.",
            ),
            "en": (
                "Fair integration: your rights at work",
                "Advice on employment contracts, wages, working hours, holidays and dismissal – "
                "confidential and independent of your employer.",
            ),
        },
    },
    {
        "reference": "bewerbungswerkstatt",
        "topics": ["work", "education"],
        "provider": "Stadtteilzentrum Mühlenberg – Bewerbungswerkstatt",
        "street": "Mühlenberger Markt 1",
        "postal_code": "30457",
        "district": "Mühlenberg",
        "opening_hours": "Di 14–18 Uhr",
        "languages": ["de", "ar", "ru"],
        "cost_kind": "free",
        "target_groups": "Arbeitsuchende und Schulabgänger",
        "review_in_days": -45,
        "texts": {
            "de": (
                "Bewerbungswerkstatt",
                "Hilfe beim Lebenslauf, Anschreiben und Onlinebewerbungen; Computer und "
                "Drucker stehen zur Verfügung.",
            ),
            "en": (
                "Job application workshop",
                "Help with your CV, cover letters and online applications; computers and a "
                "printer are available.",
            ),
        },
    },
    # --- Family --------------------------------------------------------------------------
    {
        "reference": "familienzentrum-linden",
        "topics": ["family", "leisure"],
        "provider": "Familienzentrum Linden-Süd",
        "street": "Allerweg 7",
        "postal_code": "30449",
        "district": "Linden-Süd",
        "opening_hours": "Mo–Fr 8–16 Uhr",
        "languages": ["de", "tr", "ar"],
        "cost_kind": "free",
        "target_groups": "Familien mit kleinen Kindern",
        "texts": {
            "de": (
                "Familienzentrum: Elterncafé und Beratung",
                "Elterncafé, Krabbelgruppe, Familienberatung und Sprechstunden zu Erziehung "
                "und Gesundheit im Stadtteil.",
            ),
            "en": (
                "Family centre: parents' café and advice",
                "Parents' café, toddler group, family counselling and drop-in hours on "
                "parenting and health in the neighbourhood.",
            ),
        },
    },
    {
        "reference": "familienzentrum-vahrenheide",
        "topics": ["family", "education"],
        "provider": "Familienzentrum Vahrenheide",
        "street": "Plauener Straße 12",
        "postal_code": "30179",
        "district": "Vahrenheide",
        "opening_hours": "Mo–Do 8–16 Uhr, Fr 8–13 Uhr",
        "languages": ["de", "ar", "ku", "ru"],
        "cost_kind": "free",
        "target_groups": "Familien mit Kindern bis zehn Jahre",
        "texts": {
            "de": (
                "Familienzentrum: Rucksack-Programm und Mütterkurse",
                "Sprachförderung für Mütter und Kinder, Beratung zu Kita und Schule und "
                "Treffpunkt für Familien.",
            ),
            "en": (
                "Family centre: language programmes for mothers and children",
                "Language support for mothers and children, advice on day care and school, "
                "and a meeting place for families.",
            ),
        },
    },
    {
        "reference": "erziehungsberatung-region",
        "topics": ["family", "health"],
        "provider": "Region Hannover – Erziehungsberatungsstelle",
        "street": "Schulenburger Landstraße 40",
        "postal_code": "30165",
        "district": "Hainholz",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "en", "tr"],
        "cost_kind": "free",
        "target_groups": "Eltern, Kinder und Jugendliche",
        "texts": {
            "de": (
                "Erziehungs- und Familienberatung",
                "Vertrauliche Beratung bei Sorgen mit Kindern, Streit in der Familie, "
                "Trennung und Scheidung.",
            ),
            "en": (
                "Parenting and family counselling",
                "Confidential advice for worries about children, conflict in the family, "
                "separation and divorce.",
            ),
        },
    },
    {
        "reference": "schwangerschaftsberatung",
        "topics": ["family", "health"],
        "provider": "pro familia Beratungsstelle Hannover",
        "street": "Dieterichsstraße 25a",
        "postal_code": "30159",
        "district": "Mitte",
        "opening_hours": "Mo–Fr 9–12 Uhr, Mo–Do 14–17 Uhr",
        "languages": ["de", "en", "fa", "ar"],
        "cost_kind": "free",
        "target_groups": "Schwangere, Paare und Familien",
        "texts": {
            "de": (
                "Schwangerschaftsberatung",
                "Beratung in der Schwangerschaft, finanzielle Hilfen für Schwangere, "
                "Familienplanung und Verhütung – vertraulich und auf Wunsch anonym.",
            ),
            "en": (
                "Pregnancy counselling",
                "Advice during pregnancy, financial help for pregnant women, family planning "
                "and contraception – confidential and anonymous if you wish.",
            ),
        },
    },
    {
        "reference": "suana-frauenberatung",
        "topics": ["family", "health"],
        "provider": "kargah e. V. – SUANA Beratungsstelle für Frauen",
        "street": "Zur Bettfedernfabrik 1",
        "postal_code": "30451",
        "district": "Linden-Nord",
        "opening_hours": "Mo–Fr 9–17 Uhr, auch telefonisch",
        "languages": ["de", "fa", "ar", "tr", "en", "ku"],
        "cost_kind": "free",
        "target_groups": "Frauen, die Gewalt erleben oder erlebt haben",
        "texts": {
            "de": (
                "Beratung für Frauen bei häuslicher Gewalt",
                "Beratung, Schutz und Begleitung für Frauen, die Gewalt in Familie oder "
                "Partnerschaft erleben – in vielen Sprachen.",
            ),
            "en": (
                "Counselling for women facing domestic violence",
                "Advice, protection and support for women experiencing violence in the family "
                "or relationship – in many languages.",
            ),
        },
    },
    # --- Leisure -------------------------------------------------------------------------
    {
        "reference": "stadtbibliothek-zentral",
        "topics": ["leisure", "education"],
        "provider": "Stadtbibliothek Hannover – Zentralbibliothek",
        "street": "Hildesheimer Straße 12",
        "postal_code": "30169",
        "district": "Südstadt",
        "opening_hours": "Di–Fr 10–19 Uhr, Sa 10–15 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "reduced",
        "cost_text": "Bibliotheksausweis für Kinder kostenlos, ermäßigt mit Hannover-Aktiv-Pass",
        "target_groups": "Alle",
        "accessibility": "Barrierefrei, Aufzug",
        "texts": {
            "de": (
                "Stadtbibliothek: Bücher, Deutschlernen und Sprachcafé",
                "Bücher und Medien in vielen Sprachen, Lernplätze, Material zum Deutschlernen "
                "und ein wöchentliches Sprachcafé.",
            ),
            "en": (
                "City library: books, learning German and a language café",
                "Books and media in many languages, study places, material for learning German "
                "and a weekly language café.",
            ),
        },
    },
    {
        "reference": "stadtteilbibliothek-linden",
        "topics": ["leisure", "family"],
        "provider": "Stadtteilbibliothek Linden",
        "street": "Lindener Marktplatz 1",
        "postal_code": "30449",
        "district": "Linden-Mitte",
        "opening_hours": "Di–Fr 11–18 Uhr, Sa 10–13 Uhr",
        "languages": ["de"],
        "cost_kind": "reduced",
        "cost_text": "Kinder und Jugendliche kostenlos",
        "target_groups": "Kinder, Familien",
        "texts": {
            "de": (
                "Stadtteilbibliothek: Vorlesestunden für Kinder",
                "Mehrsprachige Vorlesestunden, Bilderbücher in vielen Sprachen und "
                "Spielenachmittage für Familien.",
            ),
            "en": (
                "Neighbourhood library: story time for children",
                "Multilingual story time, picture books in many languages and games "
                "afternoons for families.",
            ),
        },
    },
    {
        "reference": "integration-durch-sport",
        "topics": ["leisure", "health"],
        "provider": "LandesSportBund Niedersachsen – Integration durch Sport",
        "street": "Ferdinand-Wilhelm-Fricke-Weg 10",
        "postal_code": "30169",
        "district": "Calenberger Neustadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "en", "ar"],
        "cost_kind": "reduced",
        "cost_text": "Vereinsbeitrag, Zuschuss über Bildung und Teilhabe möglich",
        "target_groups": "Kinder, Jugendliche und Erwachsene",
        "texts": {
            "de": (
                "Sportverein finden: Integration durch Sport",
                "Vermittlung in Sportvereine in Hannover – Fußball, Schwimmen, Boxen, "
                "Frauensport – und Hilfe beim Zuschuss für den Mitgliedsbeitrag.",
            ),
            "en": (
                "Finding a sports club: integration through sport",
                "Introductions to sports clubs in Hannover – football, swimming, boxing, "
                "women's sport – and help with a grant for the membership fee.",
            ),
        },
    },
    {
        "reference": "schwimmkurse-kinder",
        "topics": ["leisure", "health"],
        "provider": "Sportverein Hannover-Döhren – Schwimmabteilung",
        "street": "Peiner Straße 52",
        "postal_code": "30519",
        "district": "Döhren",
        "opening_hours": "Kurse Sa 9–12 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "reduced",
        "cost_text": "Ermäßigt mit Hannover-Aktiv-Pass",
        "target_groups": "Kinder ab fünf Jahren",
        "texts": {
            "de": (
                "Schwimmkurse für Kinder",
                "Seepferdchen- und Anfängerkurse in kleinen Gruppen, auch für Kinder, die "
                "erst spät schwimmen lernen.",
            ),
            "en": (
                "Swimming lessons for children",
                "Beginners' courses in small groups, also for children who learn to swim later "
                "than others.",
            ),
        },
    },
    {
        "reference": "hannover-aktiv-pass",
        "topics": ["leisure", "forms"],
        "provider": "Landeshauptstadt Hannover – Hannover-Aktiv-Pass",
        "street": "Hamburger Allee 25",
        "postal_code": "30161",
        "district": "Oststadt",
        "opening_hours": MON_FRI,
        "languages": ["de"],
        "cost_kind": "free",
        "target_groups": "Menschen mit Bürgergeld, Wohngeld, Kinderzuschlag oder Asylbewerberleistungen",
        "texts": {
            "de": (
                "Hannover-Aktiv-Pass: Ermäßigungen für Freizeit und Kultur",
                "Günstiger in Schwimmbäder, Museen, Zoo, Bibliothek und Volkshochschule; "
                "ermäßigte Monatskarte für Bus und Bahn.",
            ),
            "en": (
                "Hannover active pass: discounts for leisure and culture",
                "Cheaper entry to swimming pools, museums, the zoo, the library and the adult "
                "education centre; a reduced monthly bus and train ticket.",
            ),
        },
    },
    {
        "reference": "sprachcafe-list",
        "topics": ["leisure", "education"],
        "provider": "Stadtteilzentrum Lister Turm",
        "street": "Walderseestraße 100",
        "postal_code": "30177",
        "district": "List",
        "opening_hours": "Mi 17–19 Uhr",
        "languages": ["de", "en", "uk", "ar"],
        "cost_kind": "free",
        "target_groups": "Alle, die Deutsch üben möchten",
        "texts": {
            "de": (
                "Sprachcafé: Deutsch sprechen bei Kaffee und Tee",
                "Ehrenamtliche und Neuangekommene treffen sich zum Deutschsprechen, ohne "
                "Anmeldung und ohne Vorkenntnisse.",
            ),
            "en": (
                "Language café: speaking German over coffee and tea",
                "Volunteers and newcomers meet to practise German, no registration and no "
                "previous knowledge needed.",
            ),
        },
    },
    {
        "reference": "jugendzentrum-stoecken",
        "topics": ["leisure"],
        "provider": "Jugendzentrum Stöcken",
        "street": "Eichsfelder Straße 34",
        "postal_code": "30419",
        "district": "Stöcken",
        "opening_hours": "Mo–Fr 14–20 Uhr",
        "languages": ["de", "tr", "ar"],
        "cost_kind": "free",
        "target_groups": "Jugendliche von 12 bis 21 Jahren",
        "texts": {
            "de": (
                "Jugendzentrum: offener Treff, Musik und Sport",
                "Offener Treff, Tonstudio, Fußball und Ferienfahrten für Jugendliche – einfach "
                "vorbeikommen.",
            ),
            "en": (
                "Youth centre: drop-in, music and sport",
                "A drop-in, recording studio, football and holiday trips for young people – "
                "just come by.",
            ),
        },
    },
    # --- Health --------------------------------------------------------------------------
    {
        "reference": "gesundheitsamt-region",
        "topics": ["health"],
        "provider": "Region Hannover – Fachbereich Gesundheit (Gesundheitsamt)",
        "street": "Weinstraße 2",
        "postal_code": "30171",
        "district": "Südstadt",
        "opening_hours": "Mo–Fr 8:30–12 Uhr",
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Alle Einwohnerinnen und Einwohner der Region",
        "accessibility": "Barrierefreier Eingang",
        "texts": {
            "de": (
                "Gesundheitsamt: Impfberatung und Gesundheitsuntersuchung",
                "Impfberatung und Impfungen, Tuberkulose-Untersuchung, Beratung zu sexuell "
                "übertragbaren Krankheiten – anonym und kostenlos.",
            ),
            "en": (
                "Public health office: vaccination advice and health checks",
                "Vaccination advice and vaccinations, tuberculosis screening, advice on "
                "sexually transmitted infections – anonymous and free of charge.",
            ),
        },
    },
    {
        "reference": "kinder-jugendaerztlicher-dienst",
        "topics": ["health", "family", "education"],
        "provider": "Region Hannover – Kinder- und Jugendärztlicher Dienst",
        "street": "Weinstraße 2",
        "postal_code": "30171",
        "district": "Südstadt",
        "opening_hours": BY_APPOINTMENT,
        "languages": ["de", "en"],
        "cost_kind": "free",
        "target_groups": "Kinder vor der Einschulung und neu zugewanderte Schulkinder",
        "texts": {
            "de": (
                "Schuleingangsuntersuchung und Kinderärztliche Beratung",
                "Untersuchung vor der Einschulung, Impfstatus und Beratung zur Entwicklung "
                "des Kindes.",
            ),
            "en": (
                "School entry health check and paediatric advice",
                "The health check before starting school, vaccination status and advice on "
                "your child's development.",
            ),
        },
    },
    {
        "reference": "ntfn-psychosoziales-zentrum",
        "topics": ["health"],
        "provider": "NTFN – Netzwerk für traumatisierte Flüchtlinge in Niedersachsen",
        "street": "Marienstraße 28",
        "postal_code": "30171",
        "district": "Südstadt",
        "opening_hours": "Telefonische Anmeldung Mo–Do 10–12 Uhr",
        "languages": ["de", "ar", "fa", "ku", "en"],
        "cost_kind": "free",
        "target_groups": "Geflüchtete mit seelischen Belastungen",
        "texts": {
            "de": (
                "Psychosoziale Beratung für Geflüchtete",
                "Beratung und Therapie bei Traumafolgen, Schlafstörungen und seelischer "
                "Belastung, mit Dolmetscherinnen und Dolmetschern.",
            ),
            "en": (
                "Psychosocial support for refugees",
                "Counselling and therapy for the effects of trauma, sleep problems and mental "
                "strain, with interpreters.",
            ),
        },
    },
    {
        "reference": "medizinische-versorgung-ohne-versicherung",
        "topics": ["health"],
        "provider": "Clearingstelle Gesundheit Hannover",
        "street": "Hagenstraße 36",
        "postal_code": "30161",
        "district": "Oststadt",
        "opening_hours": "Di 14–17 Uhr, Fr 10–12 Uhr",
        "languages": ["de", "en", "ro", "bg", "ar"],
        "cost_kind": "free",
        "target_groups": "Menschen ohne Krankenversicherung",
        "texts": {
            "de": (
                "Clearingstelle: Krankenversicherung und Behandlung ohne Versicherung",
                "Klärung, wie Sie (wieder) krankenversichert werden, und Vermittlung an "
                "Ärztinnen und Ärzte, auch ohne Versicherung.",
            ),
            "en": (
                "Clearing office: health insurance and treatment without insurance",
                "Finding out how you can get health insurance (again), and referral to doctors, "
                "also without insurance.",
            ),
        },
    },
    {
        "reference": "sozialpsychiatrischer-dienst",
        "topics": ["health"],
        "provider": "Region Hannover – Sozialpsychiatrischer Dienst",
        "street": "Podbielskistraße 158",
        "postal_code": "30177",
        "district": "List",
        "opening_hours": "Mo–Fr 8:30–12 Uhr, Krisentelefon rund um die Uhr",
        "languages": ["de", "en", "tr"],
        "cost_kind": "free",
        "target_groups": "Menschen in seelischen Krisen und ihre Angehörigen",
        "texts": {
            "de": (
                "Sozialpsychiatrischer Dienst: Hilfe in seelischen Krisen",
                "Beratung für Menschen mit psychischen Erkrankungen und ihre Angehörigen, "
                "Hausbesuche und Hilfe in Krisen.",
            ),
            "en": (
                "Social psychiatric service: help in mental health crises",
                "Advice for people with mental illness and their families, home visits and "
                "help in a crisis.",
            ),
        },
    },
]
