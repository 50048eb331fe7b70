<?xml version="1.0" encoding="UTF-8"?>
<!--
  GİB-style display template for UBL-TR 1.2.1 despatch advices (e-İrsaliye), written for l10n_tr_edoc.
  Same rules and parameters as invoice.xslt: XSLT 1.0, no extension functions, no document(), no
  imports, no scripts; tr_edoc_qr_png / tr_edoc_logo_png are optional base64 PNGs and without the QR
  the Karekod payload is printed as text.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:da="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    exclude-result-prefixes="da cac cbc">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-public="-//W3C//DTD HTML 4.01//EN"/>
  <xsl:decimal-format name="tr" decimal-separator="," grouping-separator="."/>

  <xsl:param name="tr_edoc_qr_png" select="''"/>
  <xsl:param name="tr_edoc_logo_png" select="''"/>

  <xsl:variable name="doc" select="/da:DespatchAdvice"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$doc"><xsl:apply-templates select="$doc"/></xsl:when>
      <xsl:otherwise><html><body><p>Bu şablon yalnızca UBL-TR irsaliyeleri içindir.</p></body></html></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="da:DespatchAdvice">
    <xsl:variable name="delivery" select="cac:Shipment/cac:Delivery"/>
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
          .head td { vertical-align: top; }
          .title { text-align: center; font-size: 14pt; font-weight: bold; padding: 6px 0; }
          .meta td { border: 1px solid #000; padding: 2px 5px; }
          .meta td.k { font-weight: bold; white-space: nowrap; }
          .lines { width: 100%; margin-top: 10px; }
          .lines th { border: 1px solid #000; background: #e6e6e6; padding: 3px; font-size: 8pt; }
          .lines td { border: 1px solid #000; padding: 2px 3px; font-size: 8pt; }
          .num { text-align: right; white-space: nowrap; }
          .section { margin-top: 10px; }
          .section h3 { font-size: 9pt; margin: 0 0 3px 0; }
          .ettn { font-weight: bold; margin-top: 6px; }
          .qr img { width: 130px; height: 130px; }
          .qr-text { font-family: monospace; font-size: 6pt; width: 170px; word-wrap: break-word; border: 1px dashed #000; padding: 3px; }
          .logo img { max-width: 160px; max-height: 110px; }
        </style>
      </head>
      <body>
        <div class="page">
          <table class="grid head">
            <tr>
              <td class="box" style="width:42%">
                <xsl:apply-templates select="cac:DespatchSupplierParty/cac:Party"/>
                <xsl:if test="cac:DespatchSupplierParty/cac:DespatchContact/cbc:Name">
                  <div>Sevk Eden: <xsl:value-of select="cac:DespatchSupplierParty/cac:DespatchContact/cbc:Name"/></div>
                </xsl:if>
              </td>
              <td style="width:28%; text-align:center">
                <div class="logo">
                  <xsl:if test="$tr_edoc_logo_png != ''">
                    <img alt="Logo" src="data:image/png;base64,{$tr_edoc_logo_png}"/>
                  </xsl:if>
                </div>
                <div class="title">e-İRSALİYE</div>
              </td>
              <td style="width:30%; text-align:right" class="qr">
                <xsl:choose>
                  <xsl:when test="$tr_edoc_qr_png != ''">
                    <img alt="Karekod" src="data:image/png;base64,{$tr_edoc_qr_png}"/>
                  </xsl:when>
                  <xsl:otherwise>
                    <div class="qr-text" title="Karekod"><xsl:call-template name="qr-payload"/></div>
                  </xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </table>
          <table class="grid head" style="margin-top:8px">
            <tr>
              <td class="box" style="width:50%">
                <b>SAYIN</b>
                <xsl:apply-templates select="cac:DeliveryCustomerParty/cac:Party"/>
              </td>
              <td style="width:4%"/>
              <td style="width:46%">
                <table class="meta" style="margin-left:auto">
                  <tr><td class="k">Özelleştirme No</td><td><xsl:value-of select="cbc:CustomizationID"/></td></tr>
                  <tr><td class="k">Senaryo</td><td><xsl:value-of select="cbc:ProfileID"/></td></tr>
                  <tr><td class="k">İrsaliye Tipi</td><td><xsl:value-of select="cbc:DespatchAdviceTypeCode"/></td></tr>
                  <tr><td class="k">İrsaliye No</td><td><xsl:value-of select="cbc:ID"/></td></tr>
                  <tr><td class="k">İrsaliye Tarihi</td><td><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template></td></tr>
                  <tr><td class="k">İrsaliye Zamanı</td><td><xsl:value-of select="substring(cbc:IssueTime, 1, 8)"/></td></tr>
                  <xsl:for-each select="$delivery/cac:Despatch">
                    <tr><td class="k">Fiili Sevk Tarihi</td><td><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:ActualDespatchDate"/></xsl:call-template></td></tr>
                    <tr><td class="k">Fiili Sevk Zamanı</td><td><xsl:value-of select="substring(cbc:ActualDespatchTime, 1, 8)"/></td></tr>
                  </xsl:for-each>
                  <xsl:for-each select="cac:OrderReference">
                    <tr><td class="k">Sipariş No</td><td><xsl:value-of select="cbc:ID"/> (<xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template>)</td></tr>
                  </xsl:for-each>
                  <xsl:for-each select="cac:AdditionalDocumentReference[not(translate(cbc:DocumentType, 'xslt', 'XSLT') = 'XSLT')]">
                    <tr><td class="k"><xsl:value-of select="cbc:DocumentType"/><xsl:if test="not(cbc:DocumentType)"><xsl:value-of select="cbc:DocumentTypeCode"/></xsl:if></td><td><xsl:value-of select="cbc:ID"/> (<xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template>)</td></tr>
                  </xsl:for-each>
                </table>
              </td>
            </tr>
          </table>
          <div class="ettn">ETTN: <xsl:value-of select="cbc:UUID"/></div>

          <div class="section">
            <h3>Taşıma Bilgileri</h3>
            <table class="lines">
              <tr><th>Taşıyıcı</th><th>Araç Plakası</th><th>Sürücü</th><th>Teslimat Adresi</th></tr>
              <tr>
                <td>
                  <xsl:for-each select="$delivery/cac:CarrierParty">
                    <xsl:call-template name="party-name"/><xsl:text> </xsl:text>
                    <xsl:for-each select="cac:PartyIdentification/cbc:ID">(<xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/>) </xsl:for-each>
                  </xsl:for-each>
                </td>
                <td>
                  <xsl:for-each select="cac:Shipment/cac:ShipmentStage/cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID | cac:Shipment/cac:TransportHandlingUnit/cac:TransportEquipment/cbc:ID">
                    <div><xsl:value-of select="."/></div>
                  </xsl:for-each>
                </td>
                <td>
                  <xsl:for-each select="cac:Shipment/cac:ShipmentStage/cac:DriverPerson">
                    <div><xsl:value-of select="cbc:FirstName"/><xsl:text> </xsl:text><xsl:value-of select="cbc:FamilyName"/>
                      <xsl:if test="cbc:NationalityID"> (TCKN: <xsl:value-of select="cbc:NationalityID"/>)</xsl:if></div>
                  </xsl:for-each>
                </td>
                <td>
                  <xsl:for-each select="$delivery/cac:DeliveryAddress">
                    <xsl:value-of select="cbc:StreetName"/><xsl:text> </xsl:text>
                    <xsl:if test="cbc:BuildingNumber">No: <xsl:value-of select="cbc:BuildingNumber"/><xsl:text> </xsl:text></xsl:if>
                    <xsl:value-of select="cbc:PostalZone"/><xsl:text> </xsl:text>
                    <xsl:value-of select="cbc:CitySubdivisionName"/> / <xsl:value-of select="cbc:CityName"/>
                  </xsl:for-each>
                </td>
              </tr>
            </table>
          </div>

          <table class="lines">
            <tr>
              <th>Sıra No</th>
              <th>Mal Hizmet</th>
              <th>Kod</th>
              <th>Miktar</th>
              <th>Eksik / Fazla</th>
              <th>Açıklama</th>
            </tr>
            <xsl:for-each select="cac:DespatchLine">
              <tr>
                <td><xsl:value-of select="cbc:ID"/></td>
                <td><xsl:value-of select="cac:Item/cbc:Name"/>
                  <xsl:for-each select="cac:Item/cbc:Description"><br/><small><xsl:value-of select="."/></small></xsl:for-each>
                </td>
                <td>
                  <xsl:for-each select="cac:Item/cac:SellersItemIdentification/cbc:ID | cac:Item/cac:AdditionalItemIdentification/cbc:ID">
                    <div><xsl:value-of select="."/></div>
                  </xsl:for-each>
                </td>
                <td class="num">
                  <xsl:value-of select="format-number(cbc:DeliveredQuantity, '#.##0,########', 'tr')"/>
                  <xsl:text> </xsl:text>
                  <xsl:call-template name="unit"><xsl:with-param name="code" select="cbc:DeliveredQuantity/@unitCode"/></xsl:call-template>
                </td>
                <td class="num">
                  <xsl:if test="cbc:OutstandingQuantity">Eksik: <xsl:value-of select="format-number(cbc:OutstandingQuantity, '#.##0,########', 'tr')"/><br/></xsl:if>
                  <xsl:if test="cbc:OversupplyQuantity">Fazla: <xsl:value-of select="format-number(cbc:OversupplyQuantity, '#.##0,########', 'tr')"/></xsl:if>
                </td>
                <td>
                  <xsl:value-of select="cbc:OutstandingReason"/>
                  <xsl:for-each select="cbc:Note"><div><xsl:value-of select="."/></div></xsl:for-each>
                </td>
              </tr>
            </xsl:for-each>
          </table>

          <xsl:if test="cbc:Note">
            <div class="section box">
              <xsl:for-each select="cbc:Note"><div><xsl:value-of select="."/></div></xsl:for-each>
            </div>
          </xsl:if>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="cac:Party">
    <table class="party">
      <tr><td><b><xsl:call-template name="party-name"/></b></td></tr>
      <xsl:for-each select="cac:PostalAddress">
        <tr><td>
          <xsl:value-of select="cbc:StreetName"/><xsl:text> </xsl:text>
          <xsl:if test="cbc:BuildingNumber">No: <xsl:value-of select="cbc:BuildingNumber"/></xsl:if>
        </td></tr>
        <tr><td>
          <xsl:value-of select="cbc:PostalZone"/><xsl:text> </xsl:text>
          <xsl:value-of select="cbc:CitySubdivisionName"/> / <xsl:value-of select="cbc:CityName"/>
          <xsl:if test="cac:Country/cbc:Name"> / <xsl:value-of select="cac:Country/cbc:Name"/></xsl:if>
        </td></tr>
      </xsl:for-each>
      <xsl:if test="cac:Contact/cbc:Telephone"><tr><td>Tel: <xsl:value-of select="cac:Contact/cbc:Telephone"/></td></tr></xsl:if>
      <xsl:if test="cac:Contact/cbc:ElectronicMail"><tr><td>E-Posta: <xsl:value-of select="cac:Contact/cbc:ElectronicMail"/></td></tr></xsl:if>
      <xsl:if test="cac:PartyTaxScheme/cac:TaxScheme/cbc:Name">
        <tr><td>Vergi Dairesi: <xsl:value-of select="cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"/></td></tr>
      </xsl:if>
      <xsl:for-each select="cac:PartyIdentification/cbc:ID">
        <tr><td><xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template name="party-name">
    <xsl:choose>
      <xsl:when test="cac:PartyName/cbc:Name"><xsl:value-of select="cac:PartyName/cbc:Name"/></xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="cac:Person/cbc:FirstName"/><xsl:text> </xsl:text>
        <xsl:value-of select="cac:Person/cbc:FamilyName"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The Karekod JSON exactly as core.qr.qr_text(core.qr.qr_payload(despatch_advice)) writes it. -->
  <xsl:template name="qr-payload">
    <xsl:variable name="delivery" select="cac:Shipment/cac:Delivery"/>
    <xsl:text>{</xsl:text>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'vkntckn'"/><xsl:with-param name="v"><xsl:call-template name="tax-id"><xsl:with-param name="party" select="cac:DespatchSupplierParty/cac:Party"/></xsl:call-template></xsl:with-param></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'avkntckn'"/><xsl:with-param name="v"><xsl:call-template name="tax-id"><xsl:with-param name="party" select="cac:DeliveryCustomerParty/cac:Party"/></xsl:call-template></xsl:with-param></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'senaryo'"/><xsl:with-param name="v" select="cbc:ProfileID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'tip'"/><xsl:with-param name="v" select="cbc:DespatchAdviceTypeCode"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'tarih'"/><xsl:with-param name="v" select="substring(cbc:IssueDate, 1, 10)"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'no'"/><xsl:with-param name="v" select="cbc:ID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'ettn'"/><xsl:with-param name="v" select="cbc:UUID"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'sevktarihi'"/><xsl:with-param name="v" select="substring($delivery/cac:Despatch/cbc:ActualDespatchDate, 1, 10)"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'sevkzamani'"/><xsl:with-param name="v" select="substring($delivery/cac:Despatch/cbc:ActualDespatchTime, 1, 8)"/></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'tasiyicivkn'"/><xsl:with-param name="v"><xsl:call-template name="tax-id"><xsl:with-param name="party" select="$delivery/cac:CarrierParty"/></xsl:call-template></xsl:with-param></xsl:call-template>
    <xsl:call-template name="pair"><xsl:with-param name="k" select="'plaka'"/><xsl:with-param name="v" select="cac:Shipment/cac:ShipmentStage/cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID"/><xsl:with-param name="last" select="true()"/></xsl:call-template>
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

  <xsl:template name="date">
    <xsl:param name="d"/>
    <xsl:if test="string-length($d) &gt;= 10">
      <xsl:value-of select="concat(substring($d, 9, 2), '-', substring($d, 6, 2), '-', substring($d, 1, 4))"/>
    </xsl:if>
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
      <xsl:when test="$code = 'PA'">Paket</xsl:when>
      <xsl:when test="$code = 'BX'">Kutu</xsl:when>
      <xsl:otherwise><xsl:value-of select="$code"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
