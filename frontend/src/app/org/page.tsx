export default function OrgHome() {
  return null;
}
