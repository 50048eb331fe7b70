<?xml version="1.0" encoding="UTF-8"?>
<!--
  GİB-style display template for UBL-TR 1.2.1 invoices (e-Fatura and e-Arşiv), written for l10n_tr_edoc.
  XSLT 1.0 without extension functions, document(), imports or scripts, so that lxml, GİB's
  E-Belge Görüntüleyici and every integrator's viewer can run it and none has to trust it more than that.

  Parameters (both optional, plain base64 without the "data:" prefix):
    tr_edoc_qr_png    the Karekod PNG. XSLT 1.0 cannot draw a QR code, so whoever renders passes it in,
                      or bakes it in as the default when the stylesheet is embedded in one document.
                      Without it the Karekod payload is printed as text in the QR box.
    tr_edoc_logo_png  the issuer's logo.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:inv="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    exclude-result-prefixes="inv cac cbc">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-public="-//W3C//DTD HTML 4.01//EN"/>
  <xsl:decimal-format name="tr" decimal-separator="," grouping-separator="."/>

  <xsl:param name="tr_edoc_qr_png" select="''"/>
  <xsl:param name="tr_edoc_logo_png" select="''"/>

  <xsl:variable name="doc" select="/inv:Invoice"/>
  <xsl:variable name="currency" select="string($doc/cbc:DocumentCurrencyCode)"/>
  <xsl:variable name="earchive" select="$doc/cbc:ProfileID = 'EARSIVFATURA'"/>
  <xsl:variable name="keyed" select="$doc/cac:AdditionalDocumentReference[cbc:DocumentTypeCode]"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$doc"><xsl:apply-templates select="$doc"/></xsl:when>
      <xsl:otherwise><html><body><p>Bu şablon yalnızca UBL-TR faturaları içindir.</p></body></html></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="inv:Invoice">
    <html>
      <head>
        <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
        <title><xsl:value-of select="cbc:ID"/></title>
        <style type="text/css">
          body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #000; margin: 0; }
          .page { width: 780px; margin: 0 auto; padding: 12px; }
          table { border-collapse: collapse; }
          .grid { width: 100%; }
          .box { border: 1px solid #000; padding: 4px 6px; vertical-align: top; }
          .party { width: 100%; }
          .party td { padding: 1px 0; }
          .head td { vertical-align: top; }
          .title { text-align: center; font-size: 14pt; font-weight: bold; padding: 6px 0; }
          .meta td { border: 1px solid #000; padding: 2px 5px; }
          .meta td.k { font-weight: bold; white-space: nowrap; }
          .lines { width: 100%; margin-top: 10px; }
          .lines th { border: 1px solid #000; background: #e6e6e6; padding: 3px; font-size: 8pt; }
          .lines td { border: 1px solid #000; padding: 2px 3px; font-size: 8pt; }
          .num { text-align: right; white-space: nowrap; }
          .totals { margin-top: 8px; margin-left: auto; }
          .totals td { border: 1px solid #000; padding: 2px 6px; }
          .totals td.k { font-weight: bold; text-align: right; }
          .section { margin-top: 10px; }
          .section h3 { font-size: 9pt; margin: 0 0 3px 0; }
          .words { font-weight: bold; }
          .ettn { font-weight: bold; margin-top: 6px; }
          .qr img { width: 130px; height: 130px; }
          .qr-text { font-family: monospace; font-size: 6pt; width: 170px; word-wrap: break-word; border: 1px dashed #000; padding: 3px; }
          .logo img { max-width: 160px; max-height: 110px; }
          hr { border: 0; border-top: 1px solid #000; }
        </style>
      </head>
      <body>
        <div class="page">
          <table class="grid head">
            <tr>
              <td class="box" style="width:42%">
                <xsl:apply-templates select="cac:AccountingSupplierParty/cac:Party"/>
              </td>
              <td style="width:28%; text-align:center">
                <div class="logo">
                  <xsl:if test="$tr_edoc_logo_png != ''">
                    <img alt="Logo" src="data:image/png;base64,{$tr_edoc_logo_png}"/>
                  </xsl:if>
                </div>
                <div class="title">
                  <xsl:choose>
                    <xsl:when test="$earchive">e-ARŞİV FATURA</xsl:when>
                    <xsl:otherwise>e-FATURA</xsl:otherwise>
                  </xsl:choose>
                </div>
              </td>
              <td style="width:30%; text-align:right" class="qr">
                <xsl:call-template name="qr"/>
              </td>
            </tr>
          </table>
          <table class="grid head" style="margin-top:8px">
            <tr>
              <td class="box" style="width:50%">
                <b>SAYIN</b>
                <xsl:apply-templates select="cac:AccountingCustomerParty/cac:Party"/>
              </td>
              <td style="width:4%"/>
              <td style="width:46%">
                <xsl:call-template name="meta"/>
              </td>
            </tr>
          </table>
          <div class="ettn">ETTN: <xsl:value-of select="cbc:UUID"/></div>
          <xsl:call-template name="other-parties"/>
          <xsl:call-template name="lines"/>
          <xsl:call-template name="totals"/>
          <xsl:call-template name="tax-breakdown"/>
          <xsl:call-template name="notes"/>
          <xsl:call-template name="payment"/>
          <xsl:call-template name="internet-sale"/>
        </div>
      </body>
    </html>
  </xsl:template>

  <!-- Parties -->

  <xsl:template match="cac:Party">
    <table class="party">
      <tr><td><b><xsl:call-template name="party-name"/></b></td></tr>
      <xsl:for-each select="cac:PostalAddress">
        <tr><td>
          <xsl:value-of select="cbc:Room"/><xsl:text> </xsl:text>
          <xsl:value-of select="cbc:StreetName"/><xsl:text> </xsl:text>
          <xsl:if test="cbc:BuildingName"><xsl:value-of select="cbc:BuildingName"/><xsl:text> </xsl:text></xsl:if>
          <xsl:if test="cbc:BuildingNumber">No: <xsl:value-of select="cbc:BuildingNumber"/></xsl:if>
        </td></tr>
        <tr><td>
          <xsl:value-of select="cbc:PostalZone"/><xsl:text> </xsl:text>
          <xsl:value-of select="cbc:CitySubdivisionName"/> / <xsl:value-of select="cbc:CityName"/>
          <xsl:if test="cac:Country/cbc:Name"> / <xsl:value-of select="cac:Country/cbc:Name"/></xsl:if>
        </td></tr>
      </xsl:for-each>
      <xsl:if test="cac:Contact/cbc:Telephone or cac:Contact/cbc:Telefax">
        <tr><td>
          <xsl:if test="cac:Contact/cbc:Telephone">Tel: <xsl:value-of select="cac:Contact/cbc:Telephone"/> </xsl:if>
          <xsl:if test="cac:Contact/cbc:Telefax">Faks: <xsl:value-of select="cac:Contact/cbc:Telefax"/></xsl:if>
        </td></tr>
      </xsl:if>
      <xsl:if test="cac:Contact/cbc:ElectronicMail">
        <tr><td>E-Posta: <xsl:value-of select="cac:Contact/cbc:ElectronicMail"/></td></tr>
      </xsl:if>
      <xsl:if test="cbc:WebsiteURI">
        <tr><td>Web Sitesi: <xsl:value-of select="cbc:WebsiteURI"/></td></tr>
      </xsl:if>
      <xsl:if test="cac:PartyTaxScheme/cac:TaxScheme/cbc:Name">
        <tr><td>Vergi Dairesi: <xsl:value-of select="cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"/></td></tr>
      </xsl:if>
      <xsl:for-each select="cac:PartyIdentification/cbc:ID">
        <tr><td><xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/></td></tr>
      </xsl:for-each>
      <xsl:if test="cac:Person/cbc:NationalityID">
        <tr><td>Uyruk: <xsl:value-of select="cac:Person/cbc:NationalityID"/></td></tr>
      </xsl:if>
      <xsl:for-each select="cac:Person/cac:IdentityDocumentReference">
        <tr><td>Pasaport No: <xsl:value-of select="cbc:ID"/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="party-name">
    <xsl:choose>
      <xsl:when test="cac:PartyName/cbc:Name"><xsl:value-of select="cac:PartyName/cbc:Name"/></xsl:when>
      <xsl:when test="cac:PartyLegalEntity/cbc:RegistrationName">
        <xsl:value-of select="cac:PartyLegalEntity/cbc:RegistrationName"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="cac:Person/cbc:Title"/><xsl:text> </xsl:text>
        <xsl:value-of select="cac:Person/cbc:FirstName"/><xsl:text> </xsl:text>
        <xsl:value-of select="cac:Person/cbc:MiddleName"/><xsl:text> </xsl:text>
        <xsl:value-of select="cac:Person/cbc:FamilyName"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="other-parties">
    <xsl:if test="cac:BuyerCustomerParty | cac:SellerSupplierParty | cac:TaxRepresentativeParty">
      <table class="grid section">
        <tr>
          <xsl:for-each select="cac:BuyerCustomerParty/cac:Party">
            <td class="box"><b>ALICI</b><xsl:apply-templates select="."/></td>
          </xsl:for-each>
          <xsl:for-each select="cac:SellerSupplierParty/cac:Party">
            <td class="box"><b>SATICI</b><xsl:apply-templates select="."/></td>
          </xsl:for-each>
          <xsl:for-each select="cac:TaxRepresentativeParty">
            <td class="box"><b>ARACI KURUM</b><xsl:apply-templates select="." mode="representative"/></td>
          </xsl:for-each>
        </tr>
      </table>
    </xsl:if>
  </xsl:template>

  <xsl:template match="cac:TaxRepresentativeParty" mode="representative">
    <table class="party">
      <tr><td><b><xsl:call-template name="party-name"/></b></td></tr>
      <xsl:for-each select="cac:PartyIdentification/cbc:ID">
        <tr><td><xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <!-- Header table: customisation, scenario, type, number, dates, references -->

  <xsl:template name="meta">
    <table class="meta" style="margin-left:auto">
      <xsl:call-template name="row"><xsl:with-param name="k">Özelleştirme No</xsl:with-param><xsl:with-param name="v" select="cbc:CustomizationID"/></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k">Senaryo</xsl:with-param><xsl:with-param name="v" select="cbc:ProfileID"/></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k">Fatura Tipi</xsl:with-param><xsl:with-param name="v" select="cbc:InvoiceTypeCode"/></xsl:call-template>
      <xsl:call-template name="row"><xsl:with-param name="k">Fatura No</xsl:with-param><xsl:with-param name="v" select="cbc:ID"/></xsl:call-template>
      <tr><td class="k">Fatura Tarihi</td><td><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template></td></tr>
      <xsl:if test="cbc:IssueTime">
        <tr><td class="k">Fatura Zamanı</td><td><xsl:value-of select="substring(cbc:IssueTime, 1, 8)"/></td></tr>
      </xsl:if>
      <xsl:if test="$earchive">
        <tr><td class="k">Gönderim Şekli</td><td><xsl:value-of select="$keyed[cbc:DocumentTypeCode = 'SEND_TYPE']/cbc:ID"/></td></tr>
      </xsl:if>
      <xsl:for-each select="cac:DespatchDocumentReference">
        <tr><td class="k">İrsaliye No</td><td><xsl:value-of select="cbc:ID"/></td></tr>
        <tr><td class="k">İrsaliye Tarihi</td><td><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template></td></tr>
      </xsl:for-each>
      <xsl:for-each select="cac:OrderReference">
        <tr><td class="k">Sipariş No</td><td><xsl:value-of select="cbc:ID"/></td></tr>
        <tr><td class="k">Sipariş Tarihi</td><td><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template></td></tr>
      </xsl:for-each>
      <xsl:for-each select="cac:BillingReference/cac:InvoiceDocumentReference">
        <tr><td class="k">İade Edilen Fatura</td><td><xsl:value-of select="cbc:ID"/> (<xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template>)</td></tr>
      </xsl:for-each>
      <xsl:for-each select="cac:InvoicePeriod">
        <tr><td class="k">Fatura Dönemi</td><td>
          <xsl:call-template name="date"><xsl:with-param name="d" select="cbc:StartDate"/></xsl:call-template> -
          <xsl:call-template name="date"><xsl:with-param name="d" select="cbc:EndDate"/></xsl:call-template>
        </td></tr>
      </xsl:for-each>
      <xsl:for-each select="cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode) and not(translate(cbc:DocumentType, 'xslt', 'XSLT') = 'XSLT')]">
        <tr><td class="k"><xsl:value-of select="cbc:DocumentType"/></td><td><xsl:value-of select="cbc:ID"/></td></tr>
      </xsl:for-each>
      <xsl:if test="cbc:AccountingCost">
        <tr><td class="k">Alt Tip</td><td><xsl:value-of select="cbc:AccountingCost"/></td></tr>
      </xsl:if>
      <xsl:for-each select="cac:PricingExchangeRate | cac:TaxExchangeRate[not(../cac:PricingExchangeRate)]">
        <tr><td class="k">Döviz Kuru</td><td>1 <xsl:value-of select="cbc:SourceCurrencyCode"/> = <xsl:value-of select="cbc:CalculationRate"/><xsl:text> </xsl:text><xsl:value-of select="cbc:TargetCurrencyCode"/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="row">
    <xsl:param name="k"/>
    <xsl:param name="v"/>
    <xsl:if test="string($v) != ''">
      <tr><td class="k"><xsl:value-of select="$k"/></td><td><xsl:value-of select="$v"/></td></tr>
    </xsl:if>
  </xsl:template>

  <!-- Lines -->

  <xsl:template name="lines">
    <table class="lines">
      <tr>
        <th>Sıra No</th>
        <th>Mal Hizmet</th>
        <th>Miktar</th>
        <th>Birim Fiyat</th>
        <th>İskonto / Artırım</th>
        <th>KDV Oranı</th>
        <th>KDV Tutarı</th>
        <th>Diğer Vergiler</th>
        <th>Mal Hizmet Tutarı</th>
      </tr>
      <xsl:for-each select="cac:InvoiceLine">
        <xsl:variable name="vat" select="cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode = '0015']"/>
        <tr>
          <td><xsl:value-of select="cbc:ID"/></td>
          <td>
            <xsl:value-of select="cac:Item/cbc:Name"/>
            <xsl:for-each select="cac:Item/cbc:Description | cbc:Note">
              <br/><small><xsl:value-of select="."/></small>
            </xsl:for-each>
            <xsl:for-each select="cac:Item/cac:SellersItemIdentification/cbc:ID">
              <br/><small>Kod: <xsl:value-of select="."/></small>
            </xsl:for-each>
            <xsl:for-each select="cac:Item/cac:AdditionalItemIdentification/cbc:ID">
              <br/><small><xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/></small>
            </xsl:for-each>
            <xsl:for-each select="cac:Delivery/cac:Shipment/cac:GoodsItem/cbc:RequiredCustomsID">
              <br/><small>GTİP: <xsl:value-of select="."/></small>
            </xsl:for-each>
            <xsl:for-each select="cac:Delivery/cac:DeliveryTerms/cbc:ID">
              <br/><small>Teslim Şartı: <xsl:value-of select="."/></small>
            </xsl:for-each>
          </td>
          <td class="num">
            <xsl:call-template name="quantity"><xsl:with-param name="q" select="cbc:InvoicedQuantity"/></xsl:call-template>
          </td>
          <td class="num">
            <xsl:value-of select="format-number(cac:Price/cbc:PriceAmount, '#.##0,00########', 'tr')"/>
            <xsl:text> </xsl:text><xsl:call-template name="currency"><xsl:with-param name="code" select="cac:Price/cbc:PriceAmount/@currencyID"/></xsl:call-template>
          </td>
          <td class="num">
            <xsl:for-each select="cac:AllowanceCharge">
              <xsl:choose><xsl:when test="cbc:ChargeIndicator = 'true'">+</xsl:when><xsl:otherwise>-</xsl:otherwise></xsl:choose>
              <xsl:if test="cbc:MultiplierFactorNumeric">%<xsl:value-of select="format-number(cbc:MultiplierFactorNumeric * 100, '#.##0,##', 'tr')"/><xsl:text> </xsl:text></xsl:if>
              <xsl:call-template name="money"><xsl:with-param name="a" select="cbc:Amount"/></xsl:call-template>
              <br/>
            </xsl:for-each>
          </td>
          <td class="num"><xsl:for-each select="$vat">%<xsl:value-of select="format-number(cbc:Percent, '#.##0,##', 'tr')"/></xsl:for-each></td>
          <td class="num"><xsl:for-each select="$vat"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxAmount"/></xsl:call-template></xsl:for-each></td>
          <td>
            <xsl:for-each select="cac:TaxTotal/cac:TaxSubtotal[not(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode = '0015')] | cac:WithholdingTaxTotal/cac:TaxSubtotal">
              <xsl:call-template name="tax-name"/> (%<xsl:value-of select="format-number(cbc:Percent, '#.##0,##', 'tr')"/>)
              <xsl:text> </xsl:text><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxAmount"/></xsl:call-template><br/>
            </xsl:for-each>
          </td>
          <td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:LineExtensionAmount"/></xsl:call-template></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <!-- Totals, tax breakdown, notes -->

  <xsl:template name="totals">
    <xsl:variable name="m" select="cac:LegalMonetaryTotal"/>
    <table class="totals">
      <xsl:call-template name="total"><xsl:with-param name="k">Mal Hizmet Toplam Tutarı</xsl:with-param><xsl:with-param name="a" select="$m/cbc:LineExtensionAmount"/></xsl:call-template>
      <xsl:call-template name="total"><xsl:with-param name="k">Toplam İskonto</xsl:with-param><xsl:with-param name="a" select="$m/cbc:AllowanceTotalAmount"/></xsl:call-template>
      <xsl:call-template name="total"><xsl:with-param name="k">Toplam Artırım</xsl:with-param><xsl:with-param name="a" select="$m/cbc:ChargeTotalAmount"/></xsl:call-template>
      <xsl:for-each select="cac:TaxTotal/cac:TaxSubtotal">
        <tr>
          <td class="k">Hesaplanan <xsl:call-template name="tax-name"/> (%<xsl:value-of select="format-number(cbc:Percent, '#.##0,##', 'tr')"/>)</td>
          <td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxAmount"/></xsl:call-template></td>
        </tr>
      </xsl:for-each>
      <xsl:for-each select="cac:WithholdingTaxTotal/cac:TaxSubtotal">
        <tr>
          <td class="k">KDV Tevkifat <xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"/> (%<xsl:value-of select="format-number(cbc:Percent, '#.##0,##', 'tr')"/>)</td>
          <td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxAmount"/></xsl:call-template></td>
        </tr>
      </xsl:for-each>
      <xsl:call-template name="total"><xsl:with-param name="k">Vergi Hariç Tutar</xsl:with-param><xsl:with-param name="a" select="$m/cbc:TaxExclusiveAmount"/></xsl:call-template>
      <xsl:call-template name="total"><xsl:with-param name="k">Vergiler Dahil Toplam Tutar</xsl:with-param><xsl:with-param name="a" select="$m/cbc:TaxInclusiveAmount"/></xsl:call-template>
      <xsl:call-template name="total"><xsl:with-param name="k">Yuvarlama</xsl:with-param><xsl:with-param name="a" select="$m/cbc:PayableRoundingAmount"/></xsl:call-template>
      <xsl:call-template name="total"><xsl:with-param name="k">Ödenecek Tutar</xsl:with-param><xsl:with-param name="a" select="$m/cbc:PayableAmount"/></xsl:call-template>
    </table>
  </xsl:template>

  <xsl:template name="total">
    <xsl:param name="k"/>
    <xsl:param name="a"/>
    <xsl:if test="$a">
      <tr><td class="k"><xsl:value-of select="$k"/></td><td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="$a"/></xsl:call-template></td></tr>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tax-breakdown">
    <div class="section">
      <h3>Vergi Dökümü</h3>
      <table class="lines">
        <tr><th>Vergi</th><th>Matrah</th><th>Oran</th><th>Tutar</th><th>Muafiyet / İstisna</th></tr>
        <xsl:for-each select="cac:TaxTotal/cac:TaxSubtotal | cac:WithholdingTaxTotal/cac:TaxSubtotal">
          <tr>
            <td>
              <xsl:if test="parent::cac:WithholdingTaxTotal">Tevkifat </xsl:if>
              <xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"/> - <xsl:call-template name="tax-name"/>
            </td>
            <td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxableAmount"/></xsl:call-template></td>
            <td class="num">%<xsl:value-of select="format-number(cbc:Percent, '#.##0,##', 'tr')"/></td>
            <td class="num"><xsl:call-template name="money"><xsl:with-param name="a" select="cbc:TaxAmount"/></xsl:call-template></td>
            <td>
              <xsl:if test="cac:TaxCategory/cbc:TaxExemptionReasonCode">
                <xsl:value-of select="cac:TaxCategory/cbc:TaxExemptionReasonCode"/> - <xsl:value-of select="cac:TaxCategory/cbc:TaxExemptionReason"/>
              </xsl:if>
            </td>
          </tr>
        </xsl:for-each>
      </table>
    </div>
  </xsl:template>

  <xsl:template name="notes">
    <xsl:if test="cbc:Note">
      <div class="section box">
        <xsl:for-each select="cbc:Note">
          <div>
            <xsl:if test="starts-with(normalize-space(.), 'YALNIZ')"><xsl:attribute name="class">words</xsl:attribute></xsl:if>
            <xsl:value-of select="."/>
          </div>
        </xsl:for-each>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template name="payment">
    <xsl:if test="cac:PaymentMeans | cac:PaymentTerms">
      <div class="section">
        <h3>Ödeme Bilgileri</h3>
        <xsl:for-each select="cac:PaymentMeans">
          <div>
            Ödeme Şekli: <xsl:value-of select="cbc:PaymentMeansCode"/>
            <xsl:if test="cbc:PaymentDueDate"> - Son Ödeme Tarihi: <xsl:call-template name="date"><xsl:with-param name="d" select="cbc:PaymentDueDate"/></xsl:call-template></xsl:if>
            <xsl:if test="cac:PayeeFinancialAccount/cbc:ID"> - IBAN: <xsl:value-of select="cac:PayeeFinancialAccount/cbc:ID"/></xsl:if>
            <xsl:if test="cbc:InstructionNote"> - <xsl:value-of select="cbc:InstructionNote"/></xsl:if>
          </div>
        </xsl:for-each>
        <xsl:for-each select="cac:PaymentTerms/cbc:Note"><div><xsl:value-of select="."/></div></xsl:for-each>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template name="internet-sale">
    <xsl:if test="$keyed[cbc:DocumentTypeCode = 'IS_INTERNET']">
      <div class="section box">
        <h3>İnternet Satış Bilgileri</h3>
        <div>Web Adresi: <xsl:value-of select="$keyed[cbc:DocumentTypeCode = 'INT_WEBSITE']/cbc:ID"/></div>
        <div>Ödeme Şekli: <xsl:value-of select="$keyed[cbc:DocumentTypeCode = 'INT_PAYMENT_METHOD']/cbc:ID"/></div>
        <div>Ödeme Aracısı: <xsl:value-of select="$keyed[cbc:DocumentTypeCode = 'INT_PAYMENT_AGENT_NAME']/cbc:ID"/></div>
        <div>Ödeme Tarihi: <xsl:call-template name="date"><xsl:with-param name="d" select="$keyed[cbc:DocumentTypeCode = 'INT_PAYMENTDATE']/cbc:ID"/></xsl:call-template></div>
        <xsl:for-each select="cac:Delivery[cac:CarrierParty]">
          <div>Taşıyıcı: <xsl:for-each select="cac:CarrierParty"><xsl:call-template name="party-name"/> (<xsl:value-of select="cac:PartyIdentification/cbc:ID"/>)</xsl:for-each></div>
          <xsl:if test="cbc:ActualDeliveryDate"><div>Gönderim Tarihi: <xsl:call-template name="date"><xsl:with-param name="d" select="cbc:ActualDeliveryDate"/></xsl:call-template></div></xsl:if>
        </xsl:for-each>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- Karekod -->

  <xsl:template name="qr">
    <xsl:choose>
      <xsl:when test="$tr_edoc_qr_png != ''">
        <img alt="Karekod" src="data:image/png;base64,{$tr_edoc_qr_png}"/>
      </xsl:when>
      <xsl:otherwise>
        <div class="qr-text" title="Karekod"><xsl:call-template name="qr-payload"/></div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The Karekod JSON exactly as core.qr.qr_text(core.qr.qr_payload(invoice)) writes it. -->
  <xsl:template name="qr-payload">
    <xsl:variable name="m" select="cac:LegalMonetaryTotal"/>
    <xsl:variable name="vat" select="cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode = '0015']"/>
    <xsl:text>{</xsl:text>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'vkntckn'"/><xsl:with-param name="v"><xsl:call-template name="tax-id"><xsl:with-param name="party" select="cac:AccountingSupplierParty/cac:Party"/></xsl:call-template></xsl:with-param></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'avkntckn'"/><xsl:with-param name="v"><xsl:call-template name="tax-id"><xsl:with-param name="party" select="cac:AccountingCustomerParty/cac:Party"/></xsl:call-template></xsl:with-param></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'senaryo'"/><xsl:with-param name="v" select="cbc:ProfileID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'tip'"/><xsl:with-param name="v" select="cbc:InvoiceTypeCode"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'tarih'"/><xsl:with-param name="v" select="substring(cbc:IssueDate, 1, 10)"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'no'"/><xsl:with-param name="v" select="cbc:ID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'ettn'"/><xsl:with-param name="v" select="cbc:UUID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'parabirimi'"/><xsl:with-param name="v" select="$currency"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'malhizmettoplam'"/><xsl:with-param name="v" select="format-number($m/cbc:LineExtensionAmount, '0.00')"/></xsl:call-template>
    <xsl:for-each select="$vat">
      <xsl:call-template name="pair"><xsl:with-param name="k" select="concat('kdvmatrah(', number(cbc:Percent), ')')"/><xsl:with-param name="v" select="format-number(cbc:TaxableAmount, '0.00')"/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$vat">
      <xsl:call-template name="pair"><xsl:with-param name="k" select="concat('hesaplanankdv(', number(cbc:Percent), ')')"/><xsl:with-param name="v" select="format-number(cbc:TaxAmount, '0.00')"/></xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'vergidahil'"/><xsl:with-param name="v" select="format-number($m/cbc:TaxInclusiveAmount, '0.00')"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'odenecek'"/><xsl:with-param name="v" select="format-number($m/cbc:PayableAmount, '0.00')"/><xsl:with-param name="last" select="true()"/></xsl:call-template>
    <xsl:text>}</xsl:text>
  </xsl:template>

  <xsl:template name="pair">
    <xsl:param name="k"/>
    <xsl:param name="v"/>
    <xsl:param name="last" select="false()"/>
    <xsl:value-of select="concat('&quot;', $k, '&quot;:&quot;', $v, '&quot;')"/>
    <xsl:if test="not($last)">,</xsl:if>
  </xsl:template>

  <xsl:template name="tax-id">
    <xsl:param name="party"/>
    <xsl:choose>
      <xsl:when test="$party/cac:PartyIdentification/cbc:ID[@schemeID = 'VKN']">
        <xsl:value-of select="normalize-space($party/cac:PartyIdentification/cbc:ID[@schemeID = 'VKN'])"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="normalize-space($party/cac:PartyIdentification/cbc:ID[@schemeID = 'TCKN'])"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Formatting helpers -->

  <xsl:template name="money">
    <xsl:param name="a"/>
    <xsl:if test="string($a) != ''">
      <xsl:value-of select="format-number($a, '#.##0,00', 'tr')"/>
      <xsl:text> </xsl:text>
      <xsl:call-template name="currency"><xsl:with-param name="code" select="$a/@currencyID"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="currency">
    <xsl:param name="code"/>
    <xsl:choose>
      <xsl:when test="$code = 'TRY' or $code = 'TRL'">TL</xsl:when>
      <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="date">
    <xsl:param name="d"/>
    <xsl:if test="string-length($d) &gt;= 10">
      <xsl:value-of select="concat(substring($d, 9, 2), '-', substring($d, 6, 2), '-', substring($d, 1, 4))"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="quantity">
    <xsl:param name="q"/>
    <xsl:value-of select="format-number($q, '#.##0,########', 'tr')"/>
    <xsl:text> </xsl:text>
    <xsl:call-template name="unit"><xsl:with-param name="code" select="$q/@unitCode"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="unit">
    <xsl:param name="code"/>
    <xsl:choose>
      <xsl:when test="$code = 'C62' or $code = 'NIU'">Adet</xsl:when>
      <xsl:when test="$code = 'KGM'">kg</xsl:when>
      <xsl:when test="$code = 'GRM'">g</xsl:when>
      <xsl:when test="$code = 'TNE'">ton</xsl:when>
      <xsl:when test="$code = 'LTR'">lt</xsl:when>
      <xsl:when test="$code = 'MTR'">m</xsl:when>
      <xsl:when test="$code = 'MTK'">m²</xsl:when>
      <xsl:when test="$code = 'MTQ'">m³</xsl:when>
      <xsl:when test="$code = 'KMT'">km</xsl:when>
      <xsl:when test="$code = 'KWH'">kWh</xsl:when>
      <xsl:when test="$code = 'HUR'">Saat</xsl:when>
      <xsl:when test="$code = 'DAY'">Gün</xsl:when>
      <xsl:when test="$code = 'MON'">Ay</xsl:when>
      <xsl:when test="$code = 'ANN'">Yıl</xsl:when>
      <xsl:when test="$code = 'PA'">Paket</xsl:when>
      <xsl:when test="$code = 'BX'">Kutu</xsl:when>
      <xsl:when test="$code = 'SET'">Set</xsl:when>
      <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tax-name">
    <xsl:variable name="code" select="cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"/>
    <xsl:choose>
      <xsl:when test="normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:Name) != ''"><xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:Name"/></xsl:when>
      <xsl:when test="$code = '0015'">KDV</xsl:when>
      <xsl:when test="$code = '0003'">GV Stopajı</xsl:when>
      <xsl:when test="$code = '0011'">KV Stopajı</xsl:when>
      <xsl:when test="$code = '0059'">Konaklama Vergisi</xsl:when>
      <xsl:when test="$code = '0071' or $code = '0073' or $code = '0074' or $code = '0075' or $code = '0076' or $code = '0077'">ÖTV</xsl:when>
      <xsl:when test="$code = '1047'">Damga Vergisi</xsl:when>
      <xsl:when test="$code = '4080'">Özel İletişim Vergisi</xsl:when>
      <xsl:when test="$code = '9015'">KDV Tevkifat</xsl:when>
      <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
