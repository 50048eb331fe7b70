"""ApplicationResponse builder: the buyer's KABUL, RED or IADE of a commercial invoice."""

from .invoice import add_document_reference, add_party, add_signature
from .namespaces import APPLICATION_RESPONSE, add_extensions, as_tree, cac, cbc, finish, root_element


def render_application_response(response):
    root = root_element("ApplicationResponse", APPLICATION_RESPONSE)
    add_extensions(root)
    cbc(root, "UBLVersionID", "2.1")
    cbc(root, "CustomizationID", "TR1.2")
    cbc(root, "ProfileID", response.profile_id)
    cbc(root, "ID", response.id)
    cbc(root, "UUID", response.uuid)
    cbc(root, "IssueDate", response.issue_date)
    cbc(root, "IssueTime", response.issue_time)
    for note in response.notes:
        cbc(root, "Note", note)
    add_signature(root, response.sender, response.id)
    add_party(root, "SenderParty", response.sender)
    add_party(root, "ReceiverParty", response.receiver)
    document = cac(root, "DocumentResponse")
    answer = cac(document, "Response")
    cbc(answer, "ReferenceID", response.reference_id or response.document_reference.id)
    cbc(answer, "ResponseCode", response.response_code)
    for description in response.description:
        cbc(answer, "Description", description)
    add_document_reference(document, "DocumentReference", response.document_reference, response.issue_date)
    for line in response.line_responses:
        line_node = cac(document, "LineResponse")
        reference = cac(line_node, "LineReference")
        cbc(reference, "LineID", line.line_id)
        if line.document_reference:
            add_document_reference(
                reference, "DocumentReference", line.document_reference, response.issue_date
            )
        line_answer = cac(line_node, "Response")
        cbc(line_answer, "ReferenceID", line.line_id)
        cbc(line_answer, "ResponseCode", line.response_code)
        for description in line.description:
            cbc(line_answer, "Description", description)
    return finish(root)


def build_application_response(response):
    return as_tree(render_application_response(response))
