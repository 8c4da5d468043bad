/** Client fields ride on LawRuler leads; statuses and case types map to the portal's. */
export const LAWRULER_MAPPINGS = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "FirstName", direction: "both" },
    { platform_field: "client.last_name", crm_field: "LastName", direction: "both" },
    { platform_field: "client.phone", crm_field: "CellPhone", direction: "both" },
    { platform_field: "client.email", crm_field: "Email1", direction: "both" },
    { platform_field: "description", crm_field: "Summary", direction: "both" },
    { platform_field: "custom_fields.injury", crm_field: "custom102", direction: "both" },
  ],
  statuses: [
    { status: "new_lead", crm_status: "New Lead" },
    { status: "under_review", crm_status: "Under Review" },
    { status: "signed", crm_status: "Signed", crm_substatus: "Retainer Signed" },
  ],
  case_types: [{ case_type: "auto_accident", crm_case_type: "Auto Accident" }],
};

/** SmartAdvocate: the plaintiff's contact fields and a UDF on its cases, by their exact names. */
export const SMARTADVOCATE_MAPPINGS = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "first name", direction: "both" },
    { platform_field: "client.last_name", crm_field: "last name", direction: "both" },
    { platform_field: "client.phone", crm_field: "phone", direction: "both" },
    { platform_field: "client.email", crm_field: "email", direction: "both" },
    { platform_field: "custom_fields.injury", crm_field: "Injury Type", direction: "both" },
  ],
  statuses: [
    { status: "new_lead", crm_status: "Intake" },
    { status: "signed", crm_status: "Signed Up" },
  ],
  case_types: [{ case_type: "auto_accident", crm_case_type: "Auto Accident" }],
};
