"""The demo program's people and partners: a network-security vendor. Plain data, importable without Django
set up (the run command prints the logins before the web server starts)."""

from prm.roles import Role

DEMO_PASSWORD = "sentinel-demo-2026"  # noqa: S105 - printed on purpose: it is the demo's login

STAFF = [
    ("admin@demo.example", "Dana", "Whitfield", Role.TENANT_ADMIN),
    ("channel@demo.example", "Marcus", "Chen", Role.CHANNEL_MANAGER),
    ("marketing@demo.example", "Priya", "Raman", Role.MARKETING),
    ("finance@demo.example", "Tomás", "Álvarez", Role.FINANCE),
    ("analyst@demo.example", "Hannah", "Berg", Role.ANALYST),
]
PARTNER_USERS = [
    ("partner.admin@northwind.example", "Olivia", "Hart", Role.PARTNER_ADMIN, "Northwind Secure Solutions"),
    ("partner.sales@northwind.example", "Liam", "Okafor", Role.PARTNER_SALES, "Northwind Secure Solutions"),
    ("marketing@northwind.example", "Mia", "Sorensen", Role.PARTNER_MARKETING, "Northwind Secure Solutions"),
    ("admin@bluefjord.example", "Henrik", "Lund", Role.PARTNER_ADMIN, "Bluefjord IT"),
]
PARTNERS = [
    ("Northwind Secure Solutions", "var", "US", "North America"),
    ("Bluefjord IT", "msp", "NO", "EMEA"),
    ("Cascade Network Integrators", "system_integrator", "US", "North America"),
    ("Harbourline Technologies", "reseller", "GB", "EMEA"),
    ("Kestrel Cyber Defense", "msp", "US", "North America"),
    ("Meridian Data Systems", "var", "CA", "North America"),
    ("Atlas Distribution Group", "distributor", "DE", "EMEA"),
    ("Sakura Net Solutions", "reseller", "JP", "APAC"),
    ("Outback Managed Security", "msp", "AU", "APAC"),
    ("Lumen Cloud Partners", "system_integrator", "SG", "APAC"),
    ("Andes Conectividad", "reseller", "CL", "LATAM"),
    ("Iguazu Sistemas", "var", "BR", "LATAM"),
    ("Rheinwerk Security GmbH", "system_integrator", "DE", "EMEA"),
    ("Lyon Réseaux Sécurisés", "var", "FR", "EMEA"),
    ("Baltic Shield", "msp", "LT", "EMEA"),
    ("Summit Referral Network", "referral", "US", "North America"),
    ("Vantage Point Advisors", "referral", "GB", "EMEA"),
    ("Ironclad Software", "isv", "US", "North America"),
    ("Polaris Identity", "isv", "SE", "EMEA"),
    ("Copperleaf Networks", "reseller", "US", "North America"),
    ("Granite State IT", "msp", "US", "North America"),
    ("Mumbai Secure Infra", "system_integrator", "IN", "APAC"),
    ("Tasman Tech Distribution", "distributor", "NZ", "APAC"),
    ("Zephyr Wireless", "var", "ES", "EMEA"),
    ("Orca Threat Labs", "isv", "CA", "North America"),
    ("Pinnacle Compliance Group", "system_integrator", "US", "North America"),
    ("Nairobi Digital Shield", "reseller", "KE", "EMEA"),
    ("Cairo Netguard", "var", "EG", "EMEA"),
    ("Monterrey Redes", "msp", "MX", "LATAM"),
    ("Helix Data Protection", "msp", "IE", "EMEA"),
    ("Redwood Channel Partners", "reseller", "US", "North America"),
    ("Silverline Consulting", "referral", "AU", "APAC"),
]
OTHER_STATUSES = ["onboarding", "onboarding", "suspended", "applied"]
