# Registren: översikten /registers med länkar till registren, läget för
# checklistans punkter och täckningen per enhet.

nav-registers = Register
registers-title = Register
registers-intro = Informationstillgångar, system, riskanalyser, behandlingar av personuppgifter och biträdesavtal. Här ser du hur långt organisationen och dess delar har kommit.
registers-org = Organisation
registers-show = Visa
registers-links = Registren för
registers-link-assets = Informationstillgångar
registers-link-assets-hint = Informationen som verksamheten behöver, med informationsägare och klassning.
registers-link-systems = System
registers-link-systems-hint = System och it-tjänster med systemägare, objektledare och leverantör.
registers-link-risks = Risker
registers-link-risks-hint = Riskanalyser och konsekvensbedömningar.
registers-link-processings = Behandlingar av personuppgifter
registers-link-processings-hint = Registerförteckningen enligt artikel 30 i dataskyddsförordningen.
registers-link-agreements = Biträdesavtal
registers-link-agreements-hint = Personuppgiftsbiträdesavtal med leverantörer.
registers-points = Läget enligt registren
registers-points-hint = Lisa räknar fram läget för checklistans punkter ur registren. Samma läge står bredvid enheternas egna svar i ledningens genomgång.
registers-col-status = Läge
registers-col-basis = Underlag
registers-nothing-to-count = Inget att räkna ännu
registers-coverage = Täckning för
registers-as-at = Räknat den
registers-units = Täckning per enhet
registers-units-hint = Siffrorna gäller enheten och allt som ligger under den. Enhetens egna siffror står under, när de skiljer sig.
registers-own = Egna
